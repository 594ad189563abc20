// Command-line parsing for `kubeterm`. Pure: returns what to do or a UsageError
// (exit code 2, as getopt-style tools and kubectl use for bad usage), so the
// rules are unit-tested without starting anything.
import { parseArgs } from 'node:util';
import { isLogLevel, LOG_LEVELS, type LogLevel } from '../util/log.js';

export type RuntimeChoice = 'auto' | 'docker' | 'process' | 'sim';

export interface RunOptions {
  folder?: string;
  headless: boolean;
  /** undefined: the engine's default ($XDG_STATE_HOME/kubeterm/state.json, else ~/.local/state/kubeterm/state.json). */
  stateFile?: string;
  runtime: RuntimeChoice;
  nodes: number;
  /** Cores per node; undefined: what the runtime reports. */
  nodeCpu?: number;
  /** Bytes per node; undefined: what the runtime reports. */
  nodeMemory?: number;
  prune: boolean;
  dryRun: boolean;
  /** false with --no-write-through: keyboard changes go to live objects only (the sync heals them back). Default true. */
  writeThrough?: boolean;
  /** --git-commit: each write-through is one git commit of the file it wrote (never pushed). */
  gitCommit?: boolean;
  /**
   * Attach mode: drive the cluster of this kubeconfig instead of starting the
   * embedded engine. `kubeconfig` undefined with `context` set: $KUBECONFIG or ~/.kube/config.
   */
  attach?: { kubeconfig?: string; context?: string };
  /** The HTTPS API for kubectl; false with --no-api. Default 127.0.0.1:6443. */
  api: false | { host: string; port: number };
  /** Services, cluster DNS and ingress on this machine; false with --no-network. */
  network: boolean;
  /** Where NodePorts, LoadBalancers and the ingress listen (default 127.0.0.1). */
  nodeAddress: string;
  ingressPort: number;
  ingressTlsPort: number;
  /** `--node-pool` specs for the cluster autoscaler (parsed by the engine's pool parser). */
  nodePools: string[];
  /** Extra folders hostPath volumes may use as they are. */
  allowHostPaths: string[];
  /** How long Events are kept (kube-apiserver --event-ttl); undefined: the default hour. */
  eventTTLMs?: number;
  /** The engine log's level (controllers, scheduler, kubelets, folder sync); default warn. */
  logLevel: LogLevel;
  /** Where the engine log goes; undefined: stderr when headless, `kubeterm.log` beside the state file when the UI owns the terminal. */
  logFile?: string;
}

export type Command = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; options: RunOptions };

export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const MAX_NODES = 100;

export const USAGE = `kubeterm — a k9s-style terminal cluster manager with its own embedded Kubernetes-compatible engine

Usage:
  kubeterm [FOLDER] [flags]

FOLDER is a GitOps folder of Kubernetes manifests (*.yaml, *.yml, *.json). Every
object in it is applied to the cluster and kept in step with the files.

Flags:
      --headless              no terminal UI: print applied objects and Events, run until SIGINT/SIGTERM
      --state FILE            where the cluster state is kept (default $XDG_STATE_HOME/kubeterm/state.json,
                              else ~/.local/state/kubeterm/state.json); one kubeterm per file
      --runtime RUNTIME       auto|docker|process|sim (default auto: Docker when its socket answers, else sim)
      --nodes N               number of nodes, 1-${MAX_NODES} (default 1)
      --node-cpu N            CPU cores per node, e.g. 4 or 1500m (default: what the runtime reports)
      --node-memory Q         memory per node as a quantity, e.g. 8Gi (default: what the runtime reports)
      --no-prune              keep objects whose manifest was deleted from FOLDER
      --dry-run               validate and show what would change; write nothing
      --no-write-through      keyboard changes (scale, rollback, set image) go to the live object only instead of
                              into the manifest in FOLDER (the sync then reverts them unless self-heal is off)
      --git-commit            commit each keyboard change written into FOLDER as one git commit (never pushed)
      --api ADDR:PORT         serve the Kubernetes API for kubectl there (default 127.0.0.1:6443); the kubeconfig
                              is written beside the state file
      --no-api                do not serve the Kubernetes API
      --no-network            no Service proxy, cluster DNS or ingress on this machine
      --node-address ADDR     where NodePort/LoadBalancer Services and the ingress listen (default 127.0.0.1)
      --ingress-port N        the ingress HTTP port (default 8080); --ingress-tls-port N for HTTPS (default 8443)
      --node-pool SPEC        a simulated node pool for the cluster autoscaler, e.g. small:min=1,max=10,cpu=2,memory=4Gi
                              (repeatable)
      --event-ttl DURATION    how long Events are kept, as kube-apiserver's --event-ttl (default 1h; e.g. 10m, 90s)
      --allow-host-path DIR   let hostPath volumes use DIR on this machine as it is (repeatable; other host paths
                              are kept in a private folder)
      --log-level LEVEL       error|warn|info|debug: what the engine log keeps of controller, scheduler, kubelet and
                              folder-sync errors and progress (default warn)
      --log-file FILE         where the engine log goes (default: stderr with --headless, else kubeterm.log beside
                              the state file, since the UI owns the terminal)
      --kubeconfig FILE       attach to the Kubernetes cluster of FILE instead of running the embedded engine
      --context NAME          the kubeconfig context to use (default: its current-context; alone, it reads
                              $KUBECONFIG or ~/.kube/config)
      --version               print the version and exit
  -h, --help                  print this help and exit

Exit codes: 0 ok, 1 failed to start or run, 2 bad usage.`;

const RUNTIMES: readonly RuntimeChoice[] = ['auto', 'docker', 'process', 'sim'];

const BINARY_SUFFIX: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL_SUFFIX: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A memory quantity (`512Mi`, `8Gi`, `1G`, `1073741824`) in bytes; undefined when malformed. */
export function parseMemory(q: string): number | undefined {
  const m = q.trim().match(/^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/);
  if (!m) return undefined;
  const mult = BINARY_SUFFIX[m[2] ?? ''] ?? DECIMAL_SUFFIX[m[2] ?? ''];
  return Math.round(Number(m[1]) * mult);
}

/** A CPU quantity (`2`, `0.5`, `1500m`) in cores; undefined when malformed. */
export function parseCpu(q: string): number | undefined {
  const m = q.trim().match(/^(\d+(?:\.\d+)?)(m)?$/);
  if (!m) return undefined;
  return m[2] ? Number(m[1]) / 1000 : Number(m[1]);
}

export function parseCommandLine(argv: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        headless: { type: 'boolean' },
        state: { type: 'string' },
        runtime: { type: 'string' },
        nodes: { type: 'string' },
        'node-cpu': { type: 'string' },
        'node-memory': { type: 'string' },
        'no-prune': { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        'no-write-through': { type: 'boolean' },
        'git-commit': { type: 'boolean' },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        api: { type: 'string' },
        'no-api': { type: 'boolean' },
        'no-network': { type: 'boolean' },
        'node-address': { type: 'string' },
        'ingress-port': { type: 'string' },
        'event-ttl': { type: 'string' },
        'ingress-tls-port': { type: 'string' },
        'node-pool': { type: 'string', multiple: true },
        'allow-host-path': { type: 'string', multiple: true },
        'log-level': { type: 'string' },
        'log-file': { type: 'string' },
        version: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError(describeParseError(e as Error & { code?: string }));
  }
  const v = parsed.values;
  if (v.help) return { kind: 'help' };
  if (v.version) return { kind: 'version' };

  if (parsed.positionals.length > 1) {
    throw new UsageError(`expected at most one FOLDER, got ${parsed.positionals.length}: ${parsed.positionals.join(' ')}`);
  }
  const runtime = (v.runtime ?? 'auto') as RuntimeChoice;
  if (!RUNTIMES.includes(runtime)) {
    throw new UsageError(`invalid value "${v.runtime}" for --runtime: must be one of ${RUNTIMES.join(', ')}`);
  }
  let nodes = 1;
  if (v.nodes !== undefined) {
    if (!/^\d+$/.test(v.nodes) || Number(v.nodes) < 1 || Number(v.nodes) > MAX_NODES) {
      throw new UsageError(`invalid value "${v.nodes}" for --nodes: must be a whole number from 1 to ${MAX_NODES}`);
    }
    nodes = Number(v.nodes);
  }
  let nodeCpu: number | undefined;
  if (v['node-cpu'] !== undefined) {
    nodeCpu = parseCpu(v['node-cpu']);
    if (nodeCpu === undefined || nodeCpu <= 0) {
      throw new UsageError(`invalid value "${v['node-cpu']}" for --node-cpu: must be a positive number of cores, e.g. 4 or 1500m`);
    }
  }
  let nodeMemory: number | undefined;
  if (v['node-memory'] !== undefined) {
    nodeMemory = parseMemory(v['node-memory']);
    if (nodeMemory === undefined || nodeMemory <= 0) {
      throw new UsageError(`invalid value "${v['node-memory']}" for --node-memory: must be a positive quantity, e.g. 512Mi or 8Gi`);
    }
  }
  if (v.state !== undefined && v.state.trim() === '') throw new UsageError('--state needs a file path');
  const folder = parsed.positionals[0];
  let attach: RunOptions['attach'];
  if (v.kubeconfig !== undefined || v.context !== undefined) {
    if (v.kubeconfig !== undefined && v.kubeconfig.trim() === '') throw new UsageError('--kubeconfig needs a file path');
    if (v.context !== undefined && v.context.trim() === '') throw new UsageError('--context needs a context name');
    // The attached cluster runs its own nodes and keeps its own state: engine flags would silently do nothing.
    const engineFlags = (['state', 'runtime', 'nodes', 'node-cpu', 'node-memory', 'api', 'no-api', 'no-network', 'node-address', 'ingress-port', 'ingress-tls-port', 'node-pool', 'allow-host-path', 'event-ttl'] as const).filter((f) => v[f] !== undefined);
    if (engineFlags.length) {
      throw new UsageError(`--${engineFlags[0]} configures the embedded engine and cannot be used with ${v.kubeconfig !== undefined ? '--kubeconfig' : '--context'}`);
    }
    attach = { ...(v.kubeconfig !== undefined ? { kubeconfig: v.kubeconfig } : {}), ...(v.context !== undefined ? { context: v.context } : {}) };
  }
  if (v.api !== undefined && v['no-api']) throw new UsageError('--api and --no-api cannot be used together');
  let api: RunOptions['api'] = { host: '127.0.0.1', port: 6443 };
  if (v['no-api']) api = false;
  else if (v.api !== undefined) {
    const m = v.api.trim().match(/^(?:(\[[0-9a-fA-F:]+\]|[^:]+):)?(\d+)$/);
    const port = m ? Number(m[2]) : NaN;
    if (!m || port < 0 || port > 65535) throw new UsageError(`invalid value "${v.api}" for --api: expected ADDR:PORT or PORT, e.g. 127.0.0.1:6443`);
    api = { host: (m[1] ?? '127.0.0.1').replace(/^\[|\]$/g, ''), port };
  }
  const port = (flag: 'ingress-port' | 'ingress-tls-port', dflt: number): number => {
    const raw = v[flag];
    if (raw === undefined) return dflt;
    if (!/^\d+$/.test(raw) || Number(raw) > 65535) throw new UsageError(`invalid value "${raw}" for --${flag}: must be a port number from 0 to 65535`);
    return Number(raw);
  };
  let eventTTLMs: number | undefined;
  if (v['event-ttl'] !== undefined) {
    eventTTLMs = parseGoDuration(v['event-ttl']);
    if (eventTTLMs === undefined || eventTTLMs <= 0) throw new UsageError(`invalid value "${v['event-ttl']}" for --event-ttl: expected a duration such as 1h, 10m or 90s`);
  }
  const logLevel = v['log-level'] ?? 'warn';
  if (!isLogLevel(logLevel)) throw new UsageError(`invalid value "${logLevel}" for --log-level: must be one of ${LOG_LEVELS.join(', ')}`);
  if (v['log-file'] !== undefined && v['log-file'].trim() === '') throw new UsageError('--log-file needs a file path');
  const nodeAddress = v['node-address'] ?? '127.0.0.1';
  if (!/^[0-9.]+$|^[0-9a-fA-F:]+$|^localhost$/.test(nodeAddress)) throw new UsageError(`invalid value "${nodeAddress}" for --node-address: expected an IP address`);
  for (const d of v['allow-host-path'] ?? []) if (d.trim() === '') throw new UsageError('--allow-host-path needs a folder');
  for (const f of ['no-write-through', 'git-commit'] as const) if (v[f] && folder === undefined) throw new UsageError(`--${f} only makes sense with a FOLDER`);
  if (v['no-write-through'] && v['git-commit']) throw new UsageError('--git-commit commits write-throughs and cannot be used with --no-write-through');
  if ((v['no-prune'] || v['dry-run']) && folder === undefined) {
    throw new UsageError(`${v['no-prune'] ? '--no-prune' : '--dry-run'} only makes sense with a FOLDER`);
  }
  return {
    kind: 'run',
    options: {
      folder,
      headless: v.headless ?? false,
      stateFile: v.state,
      runtime,
      nodes,
      nodeCpu,
      nodeMemory,
      prune: !v['no-prune'],
      dryRun: v['dry-run'] ?? false,
      ...(v['no-write-through'] ? { writeThrough: false } : {}),
      ...(v['git-commit'] ? { gitCommit: true } : {}),
      ...(attach ? { attach } : {}),
      api,
      network: !v['no-network'],
      nodeAddress,
      ingressPort: port('ingress-port', 8080),
      ingressTlsPort: port('ingress-tls-port', 8443),
      nodePools: v['node-pool'] ?? [],
      allowHostPaths: v['allow-host-path'] ?? [],
      ...(eventTTLMs !== undefined ? { eventTTLMs } : {}),
      logLevel,
      ...(v['log-file'] !== undefined ? { logFile: v['log-file'] } : {}),
    },
  };
}

const GO_DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration (`1h30m`, `90s`, `1.5h`), in milliseconds; undefined when it does not parse. */
export function parseGoDuration(text: string): number | undefined {
  const m = /^([0-9]*\.?[0-9]+(?:ns|us|µs|ms|s|m|h))+$/.test(text) ? text.match(/[0-9]*\.?[0-9]+(ns|us|µs|ms|s|m|h)/g) : null;
  if (!m) return text === '0' ? 0 : undefined;
  return m.reduce((ms, part) => {
    const [, n, unit] = /^([0-9]*\.?[0-9]+)(.+)$/.exec(part)!;
    return ms + Number(n) * GO_DURATION_UNITS[unit];
  }, 0);
}

/** node:util's messages name the flag; say what to do next, kubectl-style. */
function describeParseError(e: Error & { code?: string }): string {
  const m = e.message;
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = m.match(/'([^']+)'/)?.[1] ?? m;
    return `unknown flag: ${flag}`;
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = m.match(/'(--?[^' ]+)/)?.[1];
    if (/argument missing/.test(m) && flag) return `flag needs an argument: ${flag}`;
    return m;
  }
  return m;
}

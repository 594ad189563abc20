// EmbeddedClient: the ClusterClient over the in-process engine. It sees the
// engine only through the small `EmbeddedBackend` shape below (the Api door,
// the cluster facts and, when the engine has kubelets, logs and metrics), so
// the UI and the folder sync never import the engine itself.
import type { Api, PropagationPolicy } from '../api/api.js';
import { badRequest, notFound, StatusError } from '../api/errors.js';
import type { KindInfo, KindRegistry } from '../api/kinds.js';
import { clone, type KubeObject } from '../api/meta.js';
import type { PatchType } from '../api/patch/index.js';
import type { WatchEvent } from '../api/store-types.js';
import type {
  ApplyResult,
  ClientListOptions,
  ClientWatchOptions,
  ClusterClient,
  ClusterInfo,
  DrainProgress,
  ExecRequest,
  ExecTerminal,
  LogLine,
  LogOptions,
  NodeMetrics,
  PodMetrics,
  PortForwardEnd,
  PortForwardHandle,
  PortForwardRequest,
  Subscription,
} from './types.js';
import { buildFilter } from './filters.js';
import { WatchSession } from './watch-session.js';
import { OpenStreams } from './open-streams.js';
import { rollbackDeployment } from './rollback.js';
import { restartWorkload } from './restart.js';
import { cordon, drain } from '../scheduler/node-ops.js';
import { jobFromCronJob } from './cronjob-trigger.js';
import { attachTerminal } from './exec-terminal.js';

/** How long drain keeps retrying evictions a PodDisruptionBudget refuses (the kube client waits as long per pod). */
export const DRAIN_TIMEOUT_MS = 60_000;

/** The streams of one exec, as the engine's kubelets take them (structural: the client does not import the kubelet). */
export interface EngineExecIO {
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  tty: boolean;
  /** The terminal's size now (TTY sessions). */
  size?: { width: number; height: number };
  onResize?(handler: (size: { width: number; height: number }) => void): void;
}

/** What the engine's forwarder (src/network/port-forward) hands back; structural, so the client does not import the network. */
export interface EngineForward {
  namespace: string;
  pod: string;
  remotePort: number;
  address: string;
  localPort: number;
  readonly active: number;
  stop(): Promise<void>;
  /** Why it ended: `stopped`, or `pod NS/NAME is gone`. */
  done: Promise<string>;
}

export interface EngineForwardOptions {
  namespace: string;
  pod?: string;
  service?: string;
  remotePort: number | string;
  localPort?: number;
  address?: string;
}

/** What the client needs from an engine. The Engine satisfies it; tests may pass any Api. */
export interface EmbeddedBackend {
  readonly api: Api;
  readonly info: ClusterInfo;
  logs?(namespace: string, pod: string, opts: LogOptions, onLine: (line: LogLine) => void, onEnd?: (err?: Error) => void): Subscription;
  podMetrics?(namespace?: string): Promise<PodMetrics[]>;
  nodeMetrics?(): Promise<NodeMetrics[]>;
  /** Port-forward on this host (the engine's network forwarder, which knows which pod addresses it may dial). */
  portForward?(opts: EngineForwardOptions): Promise<EngineForward>;
  /** `kubectl exec` through the kubelet of the pod's node; container undefined: the default one. */
  exec?(namespace: string, pod: string, container: string | undefined, command: string[], io: EngineExecIO): Promise<{ exitCode: number }>;
}

export interface EmbeddedClientOptions {
  /** The field manager recorded for writes made through this client. Default `kubeterm`. */
  fieldManager?: string;
  /** Called by close(); the engine passes its own stop when the client owns it. */
  onClose?: () => Promise<void>;
}

/** `pods`, `po`, `Pod`, `deployments.apps`, a custom kind … → the KindInfo the registry serves, or the error kubectl prints. */
export function requireKind(kinds: KindRegistry, kind: string): KindInfo {
  const info = kinds.get(kind) ?? kinds.resolve(kind);
  if (!info) throw badRequest(`the server doesn't have a resource type "${kind}"`);
  return info;
}

export class EmbeddedClient implements ClusterClient {
  readonly info: ClusterInfo;
  private readonly api: Api;
  private readonly fieldManager: string;
  private readonly open = new OpenStreams();

  constructor(
    private readonly backend: EmbeddedBackend,
    private readonly opts: EmbeddedClientOptions = {},
  ) {
    this.api = backend.api;
    this.info = backend.info;
    this.fieldManager = opts.fieldManager ?? 'kubeterm';
    if (backend.podMetrics) this.podMetrics = (ns) => backend.podMetrics!(ns);
    if (backend.nodeMetrics) this.nodeMetrics = () => backend.nodeMetrics!();
  }

  podMetrics?: (namespace?: string) => Promise<PodMetrics[]>;
  nodeMetrics?: () => Promise<NodeMetrics[]>;

  // ---- discovery ---------------------------------------------------------

  resources(): readonly KindInfo[] {
    return this.api.kinds.all();
  }

  onResourcesChanged(fn: () => void): Subscription {
    const off = this.api.kinds.onChange(fn);
    return { stop: () => void off() };
  }

  // ---- reads -------------------------------------------------------------

  async list(kind: string, opts: ClientListOptions = {}): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const info = requireKind(this.api.kinds, kind);
    const filter = buildFilter(info.kind, opts.labelSelector, opts.fieldSelector);
    return this.api.list(info.kind, { namespace: nsFilter(info, opts.namespace), filter });
  }

  async get(kind: string, namespace: string, name: string): Promise<KubeObject | undefined> {
    const info = requireKind(this.api.kinds, kind);
    return this.api.get(info.kind, namespace, name);
  }

  watch(kind: string, opts: ClientWatchOptions, onEvent: (ev: WatchEvent) => void, onError?: (err: Error) => void): Subscription {
    let info: KindInfo;
    let filter: ((o: KubeObject) => boolean) | undefined;
    try {
      info = requireKind(this.api.kinds, kind);
      filter = buildFilter(info.kind, opts.labelSelector, opts.fieldSelector);
    } catch (e) {
      // A bad kind or selector is reported like a failed request, never thrown from watch().
      queueMicrotask(() => onError?.(e as Error));
      return { stop() {} };
    }
    const session = new WatchSession({
      api: this.api,
      kind: info.kind,
      namespace: nsFilter(info, opts.namespace),
      filter,
      resourceVersion: opts.resourceVersion,
      onEvent,
      onError,
    });
    const sub: Subscription = {
      stop: () => {
        session.stop();
        this.open.forget(sub);
      },
    };
    this.open.add(sub);
    session.start();
    return sub;
  }

  // ---- writes ------------------------------------------------------------

  async create(obj: KubeObject): Promise<KubeObject> {
    return this.api.create(obj, { fieldManager: this.fieldManager });
  }

  async update(obj: KubeObject): Promise<KubeObject> {
    return this.api.update(obj, { fieldManager: this.fieldManager });
  }

  async apply(obj: KubeObject, opts: { fieldManager?: string; dryRun?: boolean } = {}): Promise<ApplyResult> {
    return this.api.apply(obj, { fieldManager: opts.fieldManager ?? this.fieldManager, dryRun: opts.dryRun });
  }

  async patch(kind: string, namespace: string, name: string, type: PatchType, patch: unknown): Promise<KubeObject> {
    const info = requireKind(this.api.kinds, kind);
    return this.api.patch(info.kind, namespace, name, type, patch, { fieldManager: this.fieldManager });
  }

  async delete(
    kind: string,
    namespace: string,
    name: string,
    opts: { propagationPolicy?: PropagationPolicy; gracePeriodSeconds?: number } = {},
  ): Promise<void> {
    const info = requireKind(this.api.kinds, kind);
    await this.api.delete(info.kind, namespace, name, opts);
  }

  // ---- subresources and kubectl verbs ------------------------------------------

  async scale(kind: string, namespace: string, name: string, replicas: number): Promise<void> {
    const info = requireKind(this.api.kinds, kind);
    if (!info.subresources.includes('scale')) {
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', { kind: info.plural, name });
    }
    await this.api.scale(info.kind, namespace, name, replicas);
  }

  async rollback(namespace: string, name: string, toRevision?: number): Promise<{ from: number; to: number }> {
    return rollbackDeployment(this.api, namespace, name, toRevision ?? 0);
  }

  async restart(kind: string, namespace: string, name: string): Promise<void> {
    const info = requireKind(this.api.kinds, kind);
    await restartWorkload(this.api, info.kind, info.plural, namespace, name);
  }

  async cordon(node: string, unschedulable: boolean): Promise<void> {
    await cordon(this.api, node, unschedulable);
  }

  async drain(node: string, opts: DrainProgress = {}): Promise<void> {
    // The ClusterClient contract (and k9s' drain) evicts everything but DaemonSet and mirror pods;
    // budget refusals are retried for as long as the kube client's drain waits for one eviction.
    await drain(this.api, node, { ignoreDaemonSets: true, force: true, deleteEmptyDirData: true, timeoutMs: DRAIN_TIMEOUT_MS, onRetry: opts.onRetry });
  }

  async triggerCronJob(namespace: string, name: string): Promise<KubeObject> {
    const cj = this.api.mustGet('CronJob', namespace, name);
    return this.api.create(jobFromCronJob(cj), { fieldManager: this.fieldManager });
  }

  // ---- pods ------------------------------------------------------------------

  logs(namespace: string, pod: string, opts: LogOptions, onLine: (line: LogLine) => void, onEnd?: (err?: Error) => void): Subscription {
    if (!this.backend.logs) {
      queueMicrotask(() => onEnd?.(new Error(`logs for pod "${pod}" are not available: this engine runs no kubelet`)));
      return { stop() {} };
    }
    return this.backend.logs(namespace, pod, clone(opts), onLine, onEnd);
  }

  async execInteractive(req: ExecRequest, io: ExecTerminal): Promise<number> {
    if (!this.backend.exec) throw new StatusError(503, 'ServiceUnavailable', 'exec is not available: this engine runs no kubelet');
    if (this.info.runtime === 'simulated') {
      // The simulated runtime has no processes to attach to: its exec only fakes probe commands.
      throw badRequest(`exec into pod "${req.pod}" is not supported by the simulated runtime (no real containers); start kubeterm with Docker (--runtime docker) for a shell`);
    }
    if (!this.api.get('Pod', req.namespace, req.pod)) throw notFound('Pod', req.pod);
    const term = attachTerminal(io, req.tty);
    try {
      const res = await this.backend.exec(req.namespace, req.pod, req.container, [...req.command], {
        stdin: term.stdin,
        stdout: term.stdout,
        stderr: req.tty ? undefined : (io.stderr ?? term.stdout),
        tty: req.tty,
        size: term.size(),
        onResize: (h) => term.onResize(h),
      });
      return res.exitCode;
    } finally {
      term.detach();
    }
  }

  async portForward(req: PortForwardRequest): Promise<PortForwardHandle> {
    if (!this.backend.portForward) throw new StatusError(503, 'ServiceUnavailable', 'port-forward is not available: this engine has no network forwarder');
    const fwd = await this.backend.portForward({
      namespace: req.namespace || 'default',
      ...(req.kind === 'Service' ? { service: req.name } : { pod: req.name }),
      remotePort: req.remotePort,
      localPort: req.localPort,
      address: req.address ?? '127.0.0.1',
    });
    const handle: PortForwardHandle = {
      namespace: fwd.namespace,
      kind: req.kind,
      name: req.name,
      pod: fwd.pod,
      ...(req.container ? { container: req.container } : {}),
      remotePort: fwd.remotePort,
      address: fwd.address,
      localPort: fwd.localPort,
      get active() {
        return fwd.active;
      },
      done: fwd.done.then(forwardEnd),
      stop: () => fwd.stop(),
    };
    return this.open.forward(handle);
  }

  /** Stops every watch and port-forward this client opened, then whatever the owner asked to run on close (the engine's stop). */
  async close(): Promise<void> {
    if (!(await this.open.close())) return;
    await this.opts.onClose?.();
  }
}

/** The engine forwarder's reason, classified. */
function forwardEnd(reason: string): PortForwardEnd {
  if (reason === 'stopped') return { reason: 'stopped', message: 'stopped' };
  if (/ is gone$/.test(reason)) return { reason: 'pod gone', message: reason };
  return { reason: 'error', message: reason };
}

/** '' or undefined means all namespaces; cluster-scoped kinds ignore the namespace. */
function nsFilter(info: KindInfo, namespace: string | undefined): string | undefined {
  if (!info.namespaced) return undefined;
  return namespace ? namespace : undefined;
}

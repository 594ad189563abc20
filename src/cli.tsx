// kubeterm's entry point: parse the command line, start the embedded engine
// (or, with --kubeconfig, attach to a Kubernetes cluster through KubeClient),
// then either mount the terminal UI or run headless. The only module that
// knows both the UI (components/) and the engine. Failures to start print one
// line and exit 1; bad usage exits 2; a clean stop (q, Ctrl-C, SIGTERM) exits 0.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import React from 'react';
import type { ClusterClient } from './client/types.js';
import { parseCommandLine, USAGE, UsageError, type RunOptions } from './cli/args.js';
import { startHeadless } from './cli/headless.js';
import { createTerminalHandover } from './cli/terminal-handover.js';
import type { KubeClient } from './client/kube.js';
import { parseNodePool, type NodePool } from './controllers/cluster-autoscaler.js';
import { Engine } from './engine.js';
import { withSyncControl } from './gitops/control-port.js';
import { FolderSync } from './gitops/sync.js';
import { syncPort } from './gitops/write-through/port.js';
import { WriteThrough } from './gitops/write-through/service.js';
import { VERSION } from './version.js';
import { defaultStatePath } from '../state/index.js';
import { configureEngineLog } from './cli/engine-log.js';

const out = (line: string) => process.stdout.write(line + '\n');
const err = (line: string) => process.stderr.write(line + '\n');

/** One line, no stack trace: the message up to its first newline. */
function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0];
}

export async function main(argv: readonly string[]): Promise<number> {
  let options: RunOptions;
  try {
    const cmd = parseCommandLine(argv);
    if (cmd.kind === 'help') {
      out(USAGE);
      return 0;
    }
    if (cmd.kind === 'version') {
      out(`kubeterm ${VERSION}`);
      return 0;
    }
    options = cmd.options;
    if (options.folder !== undefined) {
      // A folder that cannot be stat'ed is reported as "not a folder" just below: nothing is lost.
      const st = await stat(options.folder).catch(() => undefined);
      if (!st?.isDirectory()) throw new UsageError(`FOLDER "${options.folder}" is not a folder`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`kubeterm: ${e.message}`);
      err(`Run 'kubeterm --help' for usage.`);
      return e.exitCode;
    }
    throw e;
  }

  const log = configureEngineLog({ headless: options.headless, logLevel: options.logLevel, logFile: options.logFile, stateFile: options.stateFile ?? defaultStatePath() });
  try {
    return options.attach ? await runAttached(options, options.attach) : await runEmbedded(options);
  } finally {
    await log.close();
  }
}

async function runEmbedded(options: RunOptions): Promise<number> {

  let nodePools: NodePool[];
  try {
    nodePools = options.nodePools.map(parseNodePool);
  } catch (e) {
    err(`kubeterm: ${oneLine(e)}`);
    return 2;
  }
  const engine = new Engine({
    stateFile: options.stateFile,
    runtime: options.runtime,
    nodes: options.nodes,
    nodeCapacity: options.nodeCpu !== undefined || options.nodeMemory !== undefined ? { cpu: options.nodeCpu, memory: options.nodeMemory } : undefined,
    network: options.network
      ? { nodeAddress: options.nodeAddress, ingress: { httpPort: options.ingressPort, httpsPort: options.ingressTlsPort } }
      : false,
    apiServer: options.api,
    nodePools,
    eventTTLMs: options.eventTTLMs,
    hostPath: {
      allow: [...(options.folder !== undefined ? [path.resolve(options.folder)] : []), ...options.allowHostPaths.map((d) => path.resolve(d))],
    },
  });
  try {
    await engine.start();
  } catch (e) {
    err(`kubeterm: ${oneLine(e)}`);
    return 1;
  }
  const client = engine.client();
  try {
    return options.headless ? await runHeadless(engine, client, options) : await runUi(engine, client, options);
  } finally {
    // Closing is best effort on the way out; the engine's own stop below reports its errors.
    await client.close().catch(() => {});
    await engine.stop().catch((e) => err(`kubeterm: ${oneLine(e)}`));
  }
}

/**
 * Attach mode (`--kubeconfig FILE [--context NAME]`): the same UI and folder
 * sync, driving the kubeconfig's cluster through KubeClient; no engine starts.
 */
async function runAttached(o: RunOptions, attach: NonNullable<RunOptions['attach']>): Promise<number> {
  let client: KubeClient;
  try {
    // Loaded only here: the Kubernetes client library takes most of a second to load, and embedded runs never need it.
    const { KubeClient } = await import('./client/kube.js');
    client = await KubeClient.fromKubeconfig(attach.kubeconfig, attach.context);
  } catch (e) {
    err(`kubeterm: ${oneLine(e)}`);
    return 1;
  }
  try {
    if (o.headless) out(`kubeterm ${VERSION}: attached to context "${client.info.context}" at ${client.http.server}, Kubernetes ${client.info.serverVersion}`);
    return o.headless ? await runHeadless(undefined, client, o) : await runUi(undefined, client, o);
  } finally {
    // Attached: closing only ends our watches on the remote cluster; a failure there changes nothing for the user.
    await client.close().catch(() => {});
  }
}

/** Where kubectl, Services and the ingress can be reached (printed by headless runs). */
function engineReport(engine: Engine): string[] {
  const lines: string[] = [];
  const api = engine.apiServer;
  if (api?.url) lines.push(`kubeterm: API server at ${api.url}; use it with: KUBECONFIG=${api.kubeconfig} kubectl get pods`);
  else if (api?.error) lines.push(`kubeterm: warning: ${api.error}`);
  const net = engine.networkStatus();
  if (net) {
    const where = net.mode === 'interface' ? `Service IPs on ${net.interfaceName}` : `Service IPs mapped to 127.0.0.1 ports (${net.reason})`;
    const ing = net.ingress ? `, ingress http://${net.ingress.address}:${net.ingress.http}` : '';
    lines.push(`kubeterm: network: ${where}${ing}${net.dns ? `, DNS ${net.dns.address}:${net.dns.port}` : ''}`);
    for (const e of net.errors) lines.push(`kubeterm: warning: network: ${e}`);
  }
  return lines;
}

/** `engine` undefined: attached to a remote cluster (runAttached printed its banner). */
async function runHeadless(engine: Engine | undefined, client: ClusterClient, o: RunOptions): Promise<number> {
  const info = client.info;
  if (engine) {
    out(`kubeterm ${VERSION}: ${info.context}, runtime ${info.runtime}${info.runtimeReason ? ` (${info.runtimeReason})` : ''}, state ${engine.stateFile ?? 'in memory'}`);
    for (const m of engine.missing) err(`kubeterm: warning: ${m} is not in this build yet; that part of the cluster does not run`);
    for (const line of engineReport(engine)) out(line);
  }
  const stopped = waitForSignal();
  const run = await startHeadless({ client, folder: o.folder, prune: o.prune, dryRun: o.dryRun, suspendFile: syncControlFile(engine, o), out, err });
  await stopped;
  await run.stop();
  return 0;
}

/** Where a folder sync's suspension is kept across restarts: `sync-control.json` beside the state file (the default state folder when attached). */
function syncControlFile(engine: Engine | undefined, o: RunOptions): string {
  return path.join(path.dirname(path.resolve(engine?.stateFile ?? o.stateFile ?? defaultStatePath())), 'sync-control.json');
}

async function runUi(_engine: Engine | undefined, client: ClusterClient, o: RunOptions): Promise<number> {
  if (!process.stdin.isTTY) {
    err('kubeterm: the terminal UI needs a terminal (stdin is not a TTY); use --headless to run without one');
    return 1;
  }
  const sync = o.folder ? new FolderSync({ client, folder: o.folder, prune: o.prune, dryRun: o.dryRun, suspendFile: syncControlFile(_engine, o) }) : undefined;
  // Keyboard changes to objects the folder defines go into their manifests (off with --no-write-through; never in a dry run).
  let wroteThrough = () => {};
  const writeThrough =
    sync && o.writeThrough !== false && !o.dryRun ? new WriteThrough({ sync, client, gitCommit: o.gitCommit, onWrite: () => wroteThrough() }) : undefined;
  const syncSource = sync
    ? withSyncControl(
        syncPort(sync, writeThrough, (cb) => {
          wroteThrough = cb;
        }),
        sync,
      )
    : undefined;
  // Ink renders only a final frame when it believes it runs in CI (CI=true, read once when ink loads).
  // A real terminal on stdout wants the live UI wherever it is, so say "not CI" before ink loads.
  if (process.stdout.isTTY) for (const k of ['CI', 'CONTINUOUS_INTEGRATION']) if (k in process.env) process.env[k] = 'false';
  // Loaded here, not at the top: headless runs never load the UI (faster start, and a UI fault cannot stop them).
  const [{ render }, { App }] = await Promise.all([import('ink'), import('../components/app.js')]);
  process.stdout.write('\x1b[?1049h'); // the alternate screen, as k9s and vim use: quitting gives the shell back as it was
  // Shell (s) and edit (e) hand the terminal to another program; Ink renders through the handover's stdout, silenced meanwhile.
  let clearInk = () => {};
  const terminal = createTerminalHandover({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, altScreen: true, clearRenderer: () => clearInk() });
  const ink = render(<App client={client} sync={syncSource} version={VERSION} terminal={terminal} />, { stdout: terminal.uiStdout });
  clearInk = () => ink.clear();
  // Ctrl-C in the terminal reaches Ink as a key; a SIGINT/SIGTERM sent by another process ends the UI the same way.
  // While a shell or an editor has the terminal, a Ctrl-C typed there is the program's (the whole process group gets the SIGINT).
  const onSignal = () => ink.unmount();
  const onInterrupt = () => {
    if (terminal.handedOver) return;
    process.off('SIGINT', onInterrupt);
    ink.unmount();
  };
  process.once('SIGTERM', onSignal);
  process.on('SIGINT', onInterrupt);
  // The sync runs behind the UI; its status (errors included) is shown by the UI, so the rejection is already reported there.
  const syncing = sync?.start().catch(() => {});
  await ink.waitUntilExit().finally(() => process.stdout.write('\x1b[?1049l'));
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onInterrupt);
  await syncing;
  await sync?.stop();
  return 0;
}

/**
 * Resolves on the first SIGINT or SIGTERM; a second one while stopping exits at once.
 * Holds the event loop open meanwhile: the engine's own timers are unref'd, and
 * with no folder to watch nothing else would keep the process running.
 */
function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const keepAlive = setInterval(() => {}, 1 << 30);
    let seen = false;
    const on = (sig: NodeJS.Signals) => {
      if (seen) {
        err(`kubeterm: ${sig} again; exiting without a clean stop`);
        process.exit(130);
      }
      seen = true;
      clearInterval(keepAlive);
      resolve();
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

main(process.argv.slice(2)).then(
  (code) => exitAfterFlush(code),
  (e) => {
    err(`kubeterm: ${oneLine(e)}`);
    if (process.env.KUBETERM_DEBUG) err(String((e as Error).stack));
    exitAfterFlush(1);
  },
);

/** Exit once stdout/stderr have drained (pipes are asynchronous), without waiting on stray handles. */
function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

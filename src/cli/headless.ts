// `kubeterm FOLDER --headless`: no terminal UI. Prints one line per object the
// folder sync applies or prunes (kubectl's wording), one per folder error
// (naming file, document, line, object and field), and one per Event, until
// stopped; and one per folder warning (the objects applied, but the file wants
// fixing). The caller owns the engine and the signals.
import { resolveResource } from '../api/kinds.js';
import type { ClusterClient, Subscription } from '../client/types.js';
import { FolderSync } from '../gitops/sync.js';
import { formatManifestError } from '../gitops/loader.js';
import type { Clock } from '../util/clock.js';
import { streamEvents } from './event-stream.js';
import { appliedLine, resourceRef } from './print.js';
import { reportingClient } from './reporting-client.js';

export interface HeadlessOptions {
  client: ClusterClient;
  folder?: string;
  prune: boolean;
  dryRun: boolean;
  /** Where the folder sync's suspension is kept (set from the UI's :sync); a headless run honours it too. */
  suspendFile?: string;
  clock?: Clock;
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface HeadlessRun {
  sync?: FolderSync;
  stop(): Promise<void>;
}

export async function startHeadless(o: HeadlessOptions): Promise<HeadlessRun> {
  const subs: Subscription[] = [];
  subs.push(await streamEvents(o.client, o.out, (e) => o.err(`kubeterm: event watch: ${e.message}`)));
  if (!o.folder) {
    return { stop: async () => subs.forEach((s) => s.stop()) };
  }
  const printed = new Set<string>();
  const client = reportingClient(o.client, {
    onApplied: (obj, action, dryRun) => o.out(appliedLine(obj, action, dryRun)),
    onDeleted: (kind, _ns, name) => o.out(`${resourceRef(resolveResource(kind)?.kind ?? kind, name)} pruned`),
  });
  const sync = new FolderSync({
    client,
    folder: o.folder,
    clock: o.clock,
    prune: o.prune,
    dryRun: o.dryRun,
    suspendFile: o.suspendFile,
    onError: (e) => o.err(`kubeterm: ${e.message}`),
  });
  let lastSyncs = 0;
  const report = () => {
    const st = sync.status();
    // Each distinct error once while it lasts; it prints again if it comes back after being fixed.
    // Warnings (NBSPs read as spaces, kustomize's `bases:`) likewise: the objects applied, the file wants fixing.
    const now = new Set([...st.errors.map((e) => `error: ${formatManifestError(e)}`), ...(st.warnings ?? []).map((w) => `warning: ${formatManifestError(w)}`)]);
    for (const line of now) if (!printed.has(line)) o.err(line);
    printed.clear();
    for (const line of now) printed.add(line);
    if (st.syncs === lastSyncs) return;
    lastSyncs = st.syncs;
    // A dry run deletes nothing, so what it would prune comes from its plan (kubectl: `… pruned (server dry run)`).
    for (const p of st.plan?.prune ?? []) o.out(`${resourceRef(p.kind, p.name)} pruned (server dry run)`);
    const c = st.counts;
    if (st.syncs === 1 || c.applied || c.pruned || c.failed) {
      o.out(`SYNC ${o.folder}: ${c.applied} applied, ${c.unchanged} unchanged, ${c.pruned} pruned, ${c.failed} failed${st.dryRun ? ' (dry run)' : ''}`);
    }
  };
  const off = sync.onChange(report);
  await sync.start();
  const suspended = sync.status().suspended;
  // Suspended from the UI's :sync (kept beside the state file): say so, or a headless run would look stuck.
  if (suspended) o.out(`SYNC ${o.folder}: suspended${suspended.since ? ` since ${suspended.since}` : ''}; folder changes wait until it is resumed (the UI's :sync view, key s)`);
  report();
  return {
    sync,
    stop: async () => {
      off();
      await sync.stop();
      subs.forEach((s) => s.stop());
    },
  };
}

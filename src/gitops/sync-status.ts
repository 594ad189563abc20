// The sync's status (status.ts) built from a snapshot of its parts by small pure
// functions: one row per object (its state and why), rows grouped per file with
// the file's errors and warnings, each file's state, and the overall phase.
import type { KubeObject } from '../api/meta.js';
import { objectKey, type Desired } from './desired.js';
import { describeDrift, type DriftedField } from './drift.js';
import { healthOf } from './health.js';
import { hookHealth, type HookRun } from './hooks.js';
import type { ManifestError } from './loader.js';
import type { FileSyncStatus, ObjectSyncStatus, SyncAction, SyncCounts, SyncPlan, SyncStatus } from './status.js';

export const emptyCounts = (): SyncCounts => ({ applied: 0, unchanged: 0, pruned: 0, failed: 0 });

/** What the last completed pass recorded. */
export interface PassRecord {
  counts: SyncCounts;
  plan?: SyncPlan;
  syncs: number;
  lastSyncTime?: number;
  lastSyncMs?: number;
  revision?: string;
}

/** One source's problems, as status() shows them. */
export interface SourceView {
  name: string;
  /** Load, kind and duplicate errors, in that order. */
  errors: ManifestError[];
  warnings: ManifestError[];
}

export interface StatusInput {
  syncName: string;
  folder: string;
  sources: readonly SourceView[];
  desired: Iterable<Desired>;
  applyErrors: ReadonlyMap<string, ManifestError[]>;
  driftOf(key: string): DriftedField[] | undefined;
  /** The hash this process last applied for the object. */
  appliedHash(key: string): string | undefined;
  liveOf(key: string): KubeObject | undefined;
  lastAction: ReadonlyMap<string, SyncAction>;
  /** Rows of what the last pass pruned and what it kept (pruner.ts). */
  pruneRows: readonly ObjectSyncStatus[];
  hookRuns: readonly HookRun[];
  operationError?: ManifestError;
  configErrors: readonly ManifestError[];
  pass: PassRecord;
  prune: boolean;
  dryRun: boolean;
  selfHeal: boolean;
  suspendedSince?: number;
  stopped: boolean;
  syncing: boolean;
  waiting?: string;
}

const errorText = (errs: ManifestError[]): string => errs.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ');

/** What a dry run would do to each object, by key. */
export function plannedMessages(plan: SyncPlan | undefined): Map<string, string> {
  const planned = new Map<string, string>();
  for (const c of plan?.create ?? []) planned.set(objectKey(c.kind, c.namespace, c.name), 'would be created');
  for (const c of plan?.change ?? []) planned.set(objectKey(c.kind, c.namespace, c.name), 'would be changed');
  return planned;
}

/** An object's state and why: failed to apply, planned, drifted, or not applied (yet). */
export function objectState(
  d: Desired,
  facts: { errors?: ManifestError[]; planned?: string; drift?: DriftedField[]; appliedHash?: string; dryRun: boolean; suspended: boolean },
): { state: ObjectSyncStatus['state']; message?: string } {
  if (facts.errors) return { state: 'Failed', message: errorText(facts.errors) };
  if (facts.planned !== undefined) return { state: 'OutOfSync', message: facts.planned };
  if (facts.drift) return { state: 'OutOfSync', message: describeDrift(facts.drift) };
  if (!facts.dryRun && facts.appliedHash !== d.hash) {
    return { state: 'OutOfSync', message: facts.suspended ? 'changed in the folder; not applied while the sync is suspended' : 'not applied yet' };
  }
  return { state: 'Synced' };
}

/** A hook's run as an object row of its file. */
export function hookRow(r: HookRun): ObjectSyncStatus {
  const message = `${r.phase} hook${r.message ? `: ${r.message}` : ''}`;
  return { kind: r.hook.kind, namespace: r.hook.namespace, name: r.name, file: r.hook.file, state: r.state === 'Failed' ? 'Failed' : 'Synced', health: hookHealth(r), lastAction: 'created', message };
}

/** A file's state from its errors and objects; `present` when the folder still has it. */
export function fileState(f: FileSyncStatus, present: boolean): FileSyncStatus['state'] {
  if (f.errors.length || f.objects.some((o) => o.state === 'Failed')) return 'Failed';
  if (f.objects.some((o) => o.state === 'OutOfSync')) return 'OutOfSync';
  if (!present && f.objects.length && f.objects.every((o) => o.state === 'Pruned')) return 'Pruned';
  return 'Synced';
}

/** The overall phase: Starting until the first pass (unless suspended), then the worst file's state. */
export function phaseOf(files: readonly FileSyncStatus[], s: { stopped: boolean; syncs: number; suspended: boolean }): SyncStatus['phase'] {
  if (s.stopped) return 'Stopped';
  if (s.syncs === 0 && !s.suspended) return 'Starting';
  if (files.some((f) => f.state === 'Failed')) return 'Failed';
  if (files.some((f) => f.state === 'OutOfSync')) return 'OutOfSync';
  return 'Synced';
}

/** Every file with its objects, errors and warnings, sorted, each with its state. */
export function fileStatuses(input: StatusInput): FileSyncStatus[] {
  const byFile = new Map<string, FileSyncStatus>();
  const fileEntry = (file: string): FileSyncStatus => {
    let f = byFile.get(file);
    if (!f) {
      f = { file, state: 'Synced', objects: [], errors: [], warnings: [] };
      byFile.set(file, f);
    }
    return f;
  };
  const planned = plannedMessages(input.pass.plan);
  const suspended = input.suspendedSince !== undefined;

  for (const s of [...input.sources].sort((a, b) => a.name.localeCompare(b.name))) {
    const f = fileEntry(s.name);
    f.errors.push(...s.errors);
    f.warnings.push(...s.warnings);
  }
  for (const d of input.desired) {
    const f = fileEntry(d.file);
    const errs = input.applyErrors.get(d.key);
    if (errs) f.errors.push(...errs);
    const { state, message } = objectState(d, { errors: errs, planned: planned.get(d.key), drift: input.driftOf(d.key), appliedHash: input.appliedHash(d.key), dryRun: input.dryRun, suspended });
    f.objects.push({
      kind: d.kind,
      namespace: d.namespace,
      name: d.name,
      file: d.file,
      state,
      health: healthOf(input.liveOf(d.key)),
      ...(input.lastAction.has(d.key) ? { lastAction: input.lastAction.get(d.key) } : {}),
      ...(message ? { message } : {}),
    });
  }
  for (const o of input.pruneRows) fileEntry(o.file).objects.push(o);
  for (const r of input.hookRuns) fileEntry(r.hook.file).objects.push(hookRow(r));
  if (input.operationError) fileEntry(input.operationError.file).errors.push(input.operationError);
  for (const e of input.configErrors) fileEntry(e.file).errors.push(e);

  const present = new Set(input.sources.map((s) => s.name));
  const files = [...byFile.values()].sort((a, b) => a.file.localeCompare(b.file));
  for (const f of files) {
    f.objects.sort((a, b) => objectKey(a.kind, a.namespace, a.name).localeCompare(objectKey(b.kind, b.namespace, b.name)));
    f.state = fileState(f, present.has(f.file));
  }
  return files;
}

export function buildStatus(input: StatusInput): SyncStatus {
  const files = fileStatuses(input);
  const { pass } = input;
  return {
    syncName: input.syncName,
    folder: input.folder,
    phase: phaseOf(files, { stopped: input.stopped, syncs: pass.syncs, suspended: input.suspendedSince !== undefined }),
    syncing: input.syncing,
    ...(input.waiting ? { waiting: input.waiting } : {}),
    ...(pass.lastSyncTime !== undefined ? { lastSyncTime: new Date(pass.lastSyncTime).toISOString() } : {}),
    ...(pass.lastSyncMs !== undefined ? { lastSyncMs: Math.round(pass.lastSyncMs * 10) / 10 } : {}),
    ...(pass.revision ? { revision: pass.revision } : {}),
    counts: { ...pass.counts },
    syncs: pass.syncs,
    files,
    errors: files.flatMap((f) => f.errors),
    warnings: files.flatMap((f) => f.warnings),
    prune: input.prune,
    dryRun: input.dryRun,
    selfHeal: input.selfHeal,
    ...(input.suspendedSince !== undefined ? { suspended: { since: new Date(input.suspendedSince).toISOString() } } : {}),
    ...(pass.plan ? { plan: pass.plan } : {}),
    ...(input.operationError ? { operation: { phase: 'Failed' as const, message: input.operationError.message } } : {}),
  };
}

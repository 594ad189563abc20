// The status builder (src/gitops/sync-status.ts) on its own: plain inputs, no
// cluster, no files. The end-to-end tests check the same rules through FolderSync.
import { describe, expect, it } from 'vitest';
import type { Desired } from '../../src/gitops/desired.js';
import type { FileSyncStatus } from '../../src/gitops/status.js';
import { buildStatus, emptyCounts, fileState, objectState, phaseOf, type StatusInput } from '../../src/gitops/sync-status.js';

const desired = (name: string, file = 'a.yaml', hash = 'h1'): Desired =>
  ({
    key: `ConfigMap/default/${name}`,
    kind: 'ConfigMap',
    namespace: 'default',
    name,
    file,
    hash,
    obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' } },
    loaded: { obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } }, doc: 1, line: 1 },
    order: 0,
    wave: 0,
  }) as Desired;

const file = (objects: FileSyncStatus['objects'], errors: FileSyncStatus['errors'] = []): FileSyncStatus => ({ file: 'a.yaml', state: 'Synced', objects, errors, warnings: [] });
const row = (state: FileSyncStatus['objects'][number]['state']) => ({ kind: 'ConfigMap', namespace: 'default', name: 'x', file: 'a.yaml', state, health: { status: 'Healthy' as const } });

function input(over: Partial<StatusInput> = {}): StatusInput {
  return {
    syncName: 's',
    folder: '/f',
    sources: [],
    desired: [],
    applyErrors: new Map(),
    driftOf: () => undefined,
    appliedHash: () => undefined,
    liveOf: () => undefined,
    lastAction: new Map(),
    pruneRows: [],
    hookRuns: [],
    configErrors: [],
    pass: { counts: emptyCounts(), syncs: 1 },
    prune: true,
    dryRun: false,
    selfHeal: true,
    stopped: false,
    syncing: false,
    ...over,
  };
}

describe('objectState', () => {
  const d = desired('x');
  it('ranks an apply error over a plan, drift and a pending apply', () => {
    const drift = [{ path: 'data.a', want: '1', got: '2' }];
    expect(objectState(d, { errors: [{ file: 'a.yaml', field: 'data', message: 'bad' }], planned: 'would be changed', drift, dryRun: false, suspended: false })).toEqual({ state: 'Failed', message: 'data: bad' });
    expect(objectState(d, { planned: 'would be changed', drift, dryRun: true, suspended: false })).toEqual({ state: 'OutOfSync', message: 'would be changed' });
    expect(objectState(d, { drift, appliedHash: 'h1', dryRun: false, suspended: false }).state).toBe('OutOfSync');
  });

  it('calls an object not applied at its current hash OutOfSync, saying why when suspended', () => {
    expect(objectState(d, { appliedHash: 'old', dryRun: false, suspended: false })).toEqual({ state: 'OutOfSync', message: 'not applied yet' });
    expect(objectState(d, { dryRun: false, suspended: true }).message).toBe('changed in the folder; not applied while the sync is suspended');
    expect(objectState(d, { appliedHash: 'h1', dryRun: false, suspended: false })).toEqual({ state: 'Synced' });
    expect(objectState(d, { dryRun: true, suspended: false })).toEqual({ state: 'Synced' });
  });
});

describe('fileState and phaseOf', () => {
  it('a file is Failed, OutOfSync, Pruned (only once gone from the folder) or Synced', () => {
    expect(fileState(file([row('Synced')], [{ file: 'a.yaml', message: 'x' }]), true)).toBe('Failed');
    expect(fileState(file([row('Synced'), row('Failed')]), true)).toBe('Failed');
    expect(fileState(file([row('OutOfSync')]), true)).toBe('OutOfSync');
    expect(fileState(file([row('Pruned')]), false)).toBe('Pruned');
    expect(fileState(file([row('Pruned')]), true)).toBe('Synced');
    expect(fileState(file([]), false)).toBe('Synced');
  });

  it('the phase is Stopped, Starting before the first pass (unless suspended), else the worst file', () => {
    const failed = { ...file([]), state: 'Failed' as const };
    const out = { ...file([]), state: 'OutOfSync' as const };
    expect(phaseOf([failed], { stopped: true, syncs: 3, suspended: false })).toBe('Stopped');
    expect(phaseOf([failed], { stopped: false, syncs: 0, suspended: false })).toBe('Starting');
    expect(phaseOf([out, failed], { stopped: false, syncs: 0, suspended: true })).toBe('Failed');
    expect(phaseOf([out], { stopped: false, syncs: 1, suspended: false })).toBe('OutOfSync');
    expect(phaseOf([], { stopped: false, syncs: 1, suspended: false })).toBe('Synced');
  });
});

describe('buildStatus', () => {
  it('groups rows by file, sorted, with load errors before apply errors, and flattens errors in file order', () => {
    const st = buildStatus(
      input({
        sources: [
          { name: 'b.yaml', errors: [{ file: 'b.yaml', message: 'load' }], warnings: [] },
          { name: 'a.yaml', errors: [], warnings: [{ file: 'a.yaml', message: 'nbsp' }] },
        ],
        desired: [desired('zz', 'a.yaml'), desired('aa', 'a.yaml'), desired('bad', 'b.yaml')],
        applyErrors: new Map([['ConfigMap/default/bad', [{ file: 'b.yaml', message: 'apply' }]]]),
        appliedHash: () => 'h1',
        lastAction: new Map([['ConfigMap/default/aa', 'created' as const]]),
      }),
    );
    expect(st.files.map((f) => [f.file, f.state, f.objects.map((o) => o.name)])).toEqual([
      ['a.yaml', 'Synced', ['aa', 'zz']],
      ['b.yaml', 'Failed', ['bad']],
    ]);
    expect(st.errors.map((e) => e.message)).toEqual(['load', 'apply']);
    expect(st.warnings.map((e) => e.message)).toEqual(['nbsp']);
    expect(st.files[0].objects[0]).toMatchObject({ lastAction: 'created', health: { status: 'Missing' } });
    expect(st.files[0].objects[1]).not.toHaveProperty('lastAction');
    expect(st.phase).toBe('Failed');
  });

  it('shows a pruned file as Pruned once it is gone, and copies the pass record', () => {
    const pruned = { kind: 'ConfigMap', namespace: 'default', name: 'old', file: 'old.yaml', state: 'Pruned' as const, health: { status: 'Missing' as const } };
    const st = buildStatus(input({ pruneRows: [pruned], pass: { counts: { applied: 1, unchanged: 2, pruned: 1, failed: 0 }, syncs: 4, lastSyncTime: 0, lastSyncMs: 12.345, revision: 'abc' }, suspendedSince: 0, waiting: 'git' }));
    expect(st.files).toEqual([{ file: 'old.yaml', state: 'Pruned', objects: [pruned], errors: [], warnings: [] }]);
    expect(st).toMatchObject({ phase: 'Synced', syncs: 4, lastSyncTime: '1970-01-01T00:00:00.000Z', lastSyncMs: 12.3, revision: 'abc', waiting: 'git', suspended: { since: '1970-01-01T00:00:00.000Z' } });
    expect(st.counts).toEqual({ applied: 1, unchanged: 2, pruned: 1, failed: 0 });
  });
});

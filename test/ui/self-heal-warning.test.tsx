// Scale/restart/rollback of an object the folder sync manages: the dialog
// warns that self-heal reverts it, and objects the sync reports OutOfSync are
// marked in a SYNC column and counted in the header.
import { afterEach, describe, expect, it } from 'vitest';
import { dialogHeight } from '../../components/widgets/dialog.js';
import { driftedObjects, selfHealWarning } from '../../components/logic/sync-managed.js';
import type { SyncStatusLike } from '../../components/types.js';
import type { KubeObject } from '../../src/api/meta.js';
import { FakeClusterClient } from './fake-client.js';
import { deployment, node, replicaSet } from './fixtures.js';
import { KEYS, mount, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(() => {
  h?.unmount();
  h = undefined;
});

const WARNING = 'web is managed by the folder sync (examples/hello/web.yaml): self-heal will revert this change; edit the file instead, or annotate kubeterm.io/self-heal=false';

function managed(d: KubeObject, extra: Record<string, string> = {}): KubeObject {
  return {
    ...d,
    metadata: {
      ...d.metadata,
      labels: { ...d.metadata.labels, 'kubeterm.io/managed-by': 'folder-sync' },
      annotations: { ...d.metadata.annotations, 'kubeterm.io/sync': 'hello-3f9a1c', 'kubeterm.io/source': 'web.yaml', ...extra },
    },
  };
}

const status = (state = 'Synced'): SyncStatusLike => ({
  folder: 'examples/hello',
  phase: state,
  selfHeal: true,
  files: [{ file: 'web.yaml', state, objects: [{ kind: 'Deployment', namespace: 'default', name: 'web', file: 'web.yaml', state }] }],
  errors: [],
});

const syncOf = (s: SyncStatusLike) => ({ status: () => s, onChange: () => undefined });

/** The frame's text with box borders and line wraps taken out, to find a wrapped sentence. */
const flat = (f: string) => f.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');

function cluster(web: KubeObject): FakeClusterClient {
  return new FakeClusterClient([node('node-1'), web, replicaSet(web, 1, 'nginx:1.24'), replicaSet(web, 2, 'nginx:1.25', 3)]);
}

describe('selfHealWarning', () => {
  const web = deployment('web');
  it('names the file under the folder', () => {
    expect(selfHealWarning(managed(web), status())).toBe(WARNING);
  });
  it('is quiet for unmanaged objects, opted-out objects and a sync without self-heal', () => {
    expect(selfHealWarning(web, status())).toBeUndefined();
    expect(selfHealWarning(managed(web, { 'kubeterm.io/self-heal': 'false' }), status())).toBeUndefined();
    expect(selfHealWarning(managed(web), { ...status(), selfHeal: false })).toBeUndefined();
  });
  it('finds the file in the sync status when the source annotation is missing', () => {
    const d = deployment('web');
    const labelled = { ...d, metadata: { ...d.metadata, labels: { 'kubeterm.io/managed-by': 'folder-sync' } } };
    expect(selfHealWarning(labelled, status())).toBe(WARNING);
  });
  it('lists OutOfSync objects as drifted', () => {
    expect([...driftedObjects(status('OutOfSync'))]).toEqual(['Deployment/default/web']);
    expect(driftedObjects(status()).size).toBe(0);
  });
});

describe('actions on sync-managed objects', () => {
  it('the scale prompt warns that self-heal reverts the change', async () => {
    h = await mount(cluster(managed(deployment('web'))), { sync: syncOf(status()), initialView: 'deploy' });
    const f = await h.type('s');
    expect(f).toContain('Scale deployment default/web');
    expect(flat(f)).toContain(WARNING);
    expect(f).toContain('Replicas:');
  });

  it('the restart and rollback confirmations warn too', async () => {
    const c = cluster(managed(deployment('web', { revision: 2 })));
    h = await mount(c, { sync: syncOf(status()), initialView: 'deploy' });
    expect(flat(await h.type('r'))).toContain(WARNING);
    await h.type(KEYS.esc);
    expect(flat(await h.type('u'))).toContain(WARNING);
  });

  it('no warning for an object that opted out of self-heal, or one the sync does not manage', async () => {
    h = await mount(cluster(managed(deployment('web'), { 'kubeterm.io/self-heal': 'false' })), { sync: syncOf(status()), initialView: 'deploy' });
    expect(flat(await h.type('s'))).not.toContain('self-heal will revert');
    h.unmount();
    h = await mount(cluster(deployment('web')), { sync: syncOf(status()), initialView: 'deploy' });
    expect(flat(await h.type('r'))).not.toContain('self-heal will revert');
  });
});

describe('drift marker', () => {
  it('adds a SYNC column marking an OutOfSync deployment and counts it in the header', async () => {
    const other = deployment('api');
    const c = cluster(managed(deployment('web')));
    c.put(other, false);
    h = await mount(c, { sync: syncOf(status('OutOfSync')), initialView: 'deploy' });
    const f = h.frame();
    expect(f).toMatch(/NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+SYNC/);
    expect(f).toMatch(/ web\s+3\/3\s+3\s+3\s+120m\s+OutOfSync/);
    expect(f).toMatch(/ api\s+3\/3\s+3\s+3\s+120m\s*$/m);
    expect(f).toContain('OutOfSync 1 drifted');
  });

  it('shows no SYNC column while in sync', async () => {
    h = await mount(cluster(managed(deployment('web'))), { sync: syncOf(status()), initialView: 'deploy' });
    const f = h.frame();
    expect(f).toMatch(/ web\s+3\/3\s+3\s+3\s+120m\s*$/m);
    expect(f).not.toContain('SYNC');
    expect(f).not.toContain('drifted');
  });
});

describe('dialogHeight', () => {
  it('counts the wrapped warning so the body above shrinks to fit', () => {
    const input = { type: 'input' as const, title: 'Scale', label: 'Replicas:', text: '3', onSubmit: () => undefined };
    expect(dialogHeight(input, 120)).toBe(5);
    // 80 columns wide, 76 inside: the warning wraps to 3 lines at word boundaries.
    expect(dialogHeight({ ...input, warning: WARNING }, 120)).toBe(8);
    expect(dialogHeight({ type: 'confirm', title: 'Delete?', lines: ['one', 'two'], onYes: () => undefined }, 120)).toBe(6);
  });
});

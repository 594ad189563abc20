// Folder sync speed: how long from a manifest being written to the object
// being stored and visible to a watcher (p50/p99 over 100 edits), and how long
// a cold sync of a 1,000-manifest folder takes. Prints figures; asserts nothing.
//   node --import tsx bench/gitops.bench.ts      (BENCH_SCALE=0.1 for a quick run)
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from '../src/api/api.js';
import type { ClusterClient } from '../src/client/types.js';
import { FolderSync } from '../src/gitops/sync.js';
import { MemoryStore } from '../state/store.js';
import { apiClient } from '../test/gitops/helpers.js';
import { runIfMain } from './main.js';
import { percentile, scaled } from './stats.js';
import { deploymentText } from '../test/helpers/manifests.js';

const EDITS = Math.max(5, scaled(100));
const MANIFESTS = Math.max(10, scaled(1000));

async function clientFor(api: Api): Promise<{ client: ClusterClient; kind: string }> {
  try {
    const { EmbeddedClient } = await import('../src/client/embedded.js');
    const info = { context: 'bench', mode: 'embedded' as const, runtime: 'simulated' as const, serverVersion: 'v1.31.0' };
    return { client: new EmbeddedClient({ api, info }), kind: 'EmbeddedClient' };
  } catch {
    return { client: apiClient(api), kind: 'test adapter over Api' };
  }
}

const configMap = (name: string, v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  v: "${v}"\n`;
const deployment = (name: string) =>
  deploymentText(name, { replicas: 2, containers: '        - name: main\n          image: nginx:1.27\n          ports: [{containerPort: 80}]\n' });
const service = (name: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector: {app: ${name}}\n  ports: [{port: 80, targetPort: 80}]\n`;

const r1 = (n: number) => Math.round(n * 10) / 10;

/**
 * Edits one file `EDITS` times; each time measures write → the store's watcher
 * seeing the new content. `pauseMs` is the gap between edits: a person saving
 * (100 ms) or a tool rewriting the file as soon as the last write landed (0 ms,
 * which also pays for chokidar dropping a second change within 50 ms — see
 * src/gitops/watcher.ts).
 */
async function editLatency(label: string, pauseMs: number): Promise<Record<string, number | string>> {
  const dir = await mkdtemp(join(tmpdir(), 'kubeterm-bench-edit-'));
  const api = new Api({ store: new MemoryStore() });
  const { client, kind } = await clientFor(api);
  for (let i = 0; i < 20; i++) await writeFile(join(dir, `other-${i}.yaml`), configMap(`other-${i}`, '0'));
  await writeFile(join(dir, 'edit.yaml'), configMap('edited', 'start'));
  const sync = new FolderSync({ client, folder: dir, syncName: 'bench', onError: (e) => console.error('sync error:', e.message) });
  await sync.start();
  let waiting: { v: string; resolve: () => void } | undefined;
  const w = api.watch('ConfigMap', {}, (ev) => {
    if (waiting && ev.object.metadata.name === 'edited' && (ev.object.data as Record<string, string>)?.v === waiting.v) waiting.resolve();
  });
  const times: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    const v = `edit-${i}`;
    const seen = new Promise<void>((resolve) => (waiting = { v, resolve }));
    const t0 = performance.now();
    await writeFile(join(dir, 'edit.yaml'), configMap('edited', v));
    await seen;
    times.push(performance.now() - t0);
    if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
  }
  w.stop();
  await sync.stop();
  await rm(dir, { recursive: true, force: true });
  return {
    ...(label === 'edit' ? { client: kind, edits: EDITS, 'debounce ms': 30 } : {}),
    [`${label} p50 ms`]: r1(percentile(times, 50)),
    [`${label} p99 ms`]: r1(percentile(times, 99)),
    [`${label} max ms`]: r1(Math.max(...times)),
  };
}

async function coldSync(): Promise<Record<string, number | string>> {
  const dir = await mkdtemp(join(tmpdir(), 'kubeterm-bench-cold-'));
  const writes: Promise<void>[] = [];
  for (let i = 0; i < MANIFESTS; i++) {
    const sub = join(dir, `team-${i % 10}`);
    const name = `app-${i}`;
    const text = i % 3 === 0 ? configMap(name, String(i)) : i % 3 === 1 ? deployment(name) : service(name);
    writes.push(mkdir(sub, { recursive: true }).then(() => writeFile(join(sub, `${name}.yaml`), text)));
  }
  await Promise.all(writes);
  const api = new Api({ store: new MemoryStore() });
  const { client } = await clientFor(api);
  const t0 = performance.now();
  const sync = new FolderSync({ client, folder: dir, syncName: 'cold' });
  await sync.start();
  const total = performance.now() - t0;
  const st = sync.status();
  await sync.stop();
  await rm(dir, { recursive: true, force: true });
  return {
    manifests: MANIFESTS,
    'cold sync ms (start incl. watcher)': r1(total),
    'cold sync pass ms': st.lastSyncMs ?? -1,
    'cold applied': st.counts.applied,
    'cold failed': st.counts.failed,
  };
}

export async function run(): Promise<Record<string, number | string>> {
  return { ...(await editLatency('edit', 100)), ...(await editLatency('back-to-back edit', 0)), ...(await coldSync()) };
}

runIfMain(import.meta.url, run, 36);

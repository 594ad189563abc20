// Write-through speed: a keyboard change (scale) to a Deployment the folder
// manages, from the key's action to the manifest written and applied (the
// write-through resolves) and to the change visible to a watcher (what the UI's
// table sees), p50/p99 over many scales; the same with --git-commit. On the
// simulated cluster (Api + EmbeddedClient, no containers). Prints figures;
// asserts nothing.
//   node --import tsx bench/write-through.bench.ts      (BENCH_SCALE=0.1 for a quick run)
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from '../src/api/api.js';
import { EmbeddedClient } from '../src/client/embedded.js';
import { FolderSync } from '../src/gitops/sync.js';
import { WriteThrough } from '../src/gitops/write-through/service.js';
import { MemoryStore } from '../state/store.js';
import { runIfMain } from './main.js';
import { percentile, scaled } from './stats.js';

const SCALES = Math.max(5, scaled(100));

const FILE = `# the apps
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # frontend
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {a: "1"}
`;

const r1 = (n: number) => Math.round(n * 10) / 10;

async function latency(label: string, gitCommit: boolean): Promise<Record<string, number | string>> {
  const dir = await mkdtemp(join(tmpdir(), 'kubeterm-bench-wt-'));
  await writeFile(join(dir, 'apps.yaml'), FILE);
  if (gitCommit) {
    const g = (...a: string[]) => execFileSync('git', ['-c', 'user.email=b@b', '-c', 'user.name=b', ...a], { cwd: dir, stdio: 'pipe' });
    g('init', '-q');
    g('add', '.');
    g('commit', '-q', '-m', 'initial');
  }
  const api = new Api({ store: new MemoryStore() });
  const client = new EmbeddedClient({ api, info: { context: 'bench', mode: 'embedded', runtime: 'simulated', serverVersion: 'v1.32.0' } });
  const sync = new FolderSync({ client, folder: dir, syncName: 'bench' });
  const wt = new WriteThrough({ sync, client, gitCommit });
  await sync.start();
  let want = -1;
  let seen: (() => void) | undefined;
  const sub = client.watch('Deployment', {}, (ev) => {
    if (ev.type !== 'BOOKMARK' && ev.object.metadata.name === 'web' && ev.object.spec?.replicas === want) seen?.();
  });
  const applied: number[] = [];
  const visible: number[] = [];
  try {
    for (let i = 0; i < SCALES; i++) {
      want = 2 + (i % 5);
      const shown = new Promise<void>((r) => (seen = r));
      const t0 = performance.now();
      const out = await wt.write({ op: 'scale', kind: 'Deployment', namespace: 'default', name: 'web', replicas: want });
      applied.push(performance.now() - t0);
      if (!('written' in out)) throw new Error(`write-through refused: ${out.refused}`);
      await shown;
      visible.push(performance.now() - t0);
      want = -1;
    }
  } finally {
    sub.stop();
    await sync.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return {
    [`${label}: scales`]: SCALES,
    [`${label}: key → written+applied p50 ms`]: r1(percentile(applied, 50)),
    [`${label}: key → written+applied p99 ms`]: r1(percentile(applied, 99)),
    [`${label}: key → visible p50 ms`]: r1(percentile(visible, 50)),
    [`${label}: key → visible p99 ms`]: r1(percentile(visible, 99)),
  };
}

export async function run(): Promise<Record<string, number | string>> {
  return { ...(await latency('write-through', false)), ...(await latency('write-through --git-commit', true)) };
}

runIfMain(import.meta.url, run, 56);

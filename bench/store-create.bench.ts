// How fast the durable store acknowledges creates: 10,000 pods through
// MemoryStore with file persistence (group commit) into a temp file.
// Two shapes: a burst (every create issued at once, as a big apply does) and
// 64 clients each creating one pod after another (controllers at work).
// Prints figures; asserts nothing. BENCH_SCALE=0.1 shrinks the pod count.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../src/api/meta.js';
import { openStore } from '../state/index.js';
import { isMain, percentile, scaled } from './stats.js';

const PODS = scaled(10_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? '64') || 64;

function pod(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `web-${i}`, namespace: 'default', labels: { app: 'web', 'pod-template-hash': '5d4f8b7c9' } },
    spec: {
      containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: { requests: { cpu: '100m', memory: '128Mi' } } }],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
    },
  };
}

async function scenario(label: string, drive: (create: (i: number) => Promise<void>) => Promise<void>): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeterm-bench-'));
  const file = join(dir, 'state.json');
  const s = await openStore({ file });
  const lat: number[] = [];
  const create = async (i: number) => {
    const t = performance.now();
    await s.store.create(pod(i));
    lat.push(performance.now() - t);
  };
  const t0 = performance.now();
  await drive(create);
  const total = performance.now() - t0;
  const st = s.persistence.stats();
  await s.close();
  const size = statSync(file).size;
  rmSync(dir, { recursive: true, force: true });
  return {
    [`${label}.pods`]: PODS,
    [`${label}.pods_per_s`]: Math.round(PODS / (total / 1000)),
    [`${label}.total_ms`]: Math.round(total),
    [`${label}.file_writes`]: st.writes,
    [`${label}.file_bytes`]: size,
    [`${label}.ack_p50_ms`]: Number(percentile(lat, 50).toFixed(2)),
    [`${label}.ack_p99_ms`]: Number(percentile(lat, 99).toFixed(2)),
    [`${label}.last_write_ms`]: Number(st.lastWriteMs.toFixed(2)),
  };
}

export async function run(): Promise<Record<string, number | string>> {
  const burst = await scenario('burst', async (create) => {
    await Promise.all(Array.from({ length: PODS }, (_, i) => create(i)));
  });
  const clients = await scenario(`clients${CLIENTS}`, async (create) => {
    let next = 0;
    const client = async () => {
      while (next < PODS) await create(next++);
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
  });
  return { ...burst, ...clients };
}

if (isMain(import.meta.url)) {
  const r = await run();
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(28)} ${v}`);
}

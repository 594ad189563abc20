// Controller throughput: 100 Deployments × 10 replicas created at once until
// every one reports all replicas available, then a rolling update of all of
// them, on an in-memory store with a fake kubelet (no runtime). Prints wall
// time, reconciles and store writes; asserts nothing.
//   node --import tsx bench/controllers.bench.ts      (BENCH_SCALE=0.1 for a quick run)
import { FakeKubelet } from '../test/controllers/fake-kubelet.js';
import { deployment } from '../test/controllers/harness.js';
import { startControllerCluster } from './controller-cluster.js';
import { isMain, scaled } from './stats.js';

const DEPLOYMENTS = scaled(100);
const REPLICAS = 10;

export async function run(): Promise<Record<string, number | string>> {
  const { api, mgr, reconciles, rv } = await startControllerCluster(new FakeKubelet());
  const allDone = () =>
    api.list('Deployment').items.every((d) => d.status?.updatedReplicas === REPLICAS && d.status?.availableReplicas === REPLICAS && d.status?.replicas === REPLICAS);

  let t0 = performance.now();
  let r0 = reconciles();
  let v0 = rv();
  await Promise.all(Array.from({ length: DEPLOYMENTS }, (_, i) => api.create(deployment(`app-${i}`, { replicas: REPLICAS }))));
  await mgr.whenIdle();
  const createMs = performance.now() - t0;
  const createOk = allDone();
  const create = { reconciles: reconciles() - r0, writes: rv() - v0 };

  t0 = performance.now();
  r0 = reconciles();
  v0 = rv();
  await Promise.all(
    api.list('Deployment').items.map((d) =>
      api.modify('Deployment', 'default', d.metadata.name!, (o) => {
        o.spec.template.spec.containers[0].image = 'nginx:1.26';
      }),
    ),
  );
  await mgr.whenIdle();
  const rollMs = performance.now() - t0;
  const rollOk = allDone();
  const roll = { reconciles: reconciles() - r0, writes: rv() - v0 };
  await mgr.stop();

  const pods = DEPLOYMENTS * REPLICAS;
  return {
    deployments: DEPLOYMENTS,
    pods,
    'create.converged': String(createOk),
    'create.total_ms': Math.round(createMs),
    'create.pods_per_s': Math.round(pods / (createMs / 1000)),
    'create.reconciles': create.reconciles,
    'create.store_writes': create.writes,
    'rollout.converged': String(rollOk),
    'rollout.total_ms': Math.round(rollMs),
    'rollout.pods_per_s': Math.round(pods / (rollMs / 1000)),
    'rollout.reconciles': roll.reconciles,
    'rollout.store_writes': roll.writes,
  };
}

if (isMain(import.meta.url)) {
  const r = await run();
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(28)} ${v}`);
}

// kill -9 of a real kubeterm on the Docker runtime at random moments during a
// rolling update, several rounds (issue #10, Faults; the simulated runtime's
// kill9.test.ts does 20+). `kubeterm FOLDER --headless --runtime docker` runs a
// 3-replica Deployment; each round flips its image (a rolling update with
// maxSurge 1), waits a random moment and kills kubeterm with SIGKILL. The next
// start must finish the rollout and leave Docker exactly in step with the
// store: one running container per container of each live pod, one sandbox per
// pod, and nothing running for a pod the store does not have (no duplicate,
// no orphan). Containers outlive kubeterm by design (re-adoption), so the test
// removes everything carrying its instance label at the end.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LABEL_INSTANCE } from '../../src/kubelet/runtime/types.js';
import { readStateOnDisk } from '../../state/index.js';
import { cleanupDocker, dockerOrSkipReason } from '../runtime/docker-env.js';
import { dockerMismatches, until } from './docker-helpers.js';
import { faultDirs, rollingWebDeployment, startKubeterm, type Kubeterm } from './kubeterm-process.js';

const env = await dockerOrSkipReason();
const ROUNDS = Number(process.env.FAULT_DOCKER_ROUNDS ?? 6);
/** Wall-clock budget for the kill loop: rounds stop early (and say so) rather than overrun CI. */
const BUDGET_MS = Number(process.env.FAULT_BUDGET_MS ?? 300_000);
const START_MS = 90_000;
const SETTLE_MS = 120_000;
const IMAGES = ['nginx:1.25', 'nginx:1.26']; // local tags of kubeterm's httpd image (.ci/docker-setup.sh)

const { dir, folder, state } = faultDirs('kubeterm-kill9-docker-');
const running: Kubeterm[] = [];

const deployment = (image: string) => rollingWebDeployment(image, true);

interface StoredObject {
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string; generation?: number; deletionTimestamp?: string };
  spec?: { nodeName?: string; containers?: { name: string; image?: string }[]; template?: { spec?: { containers?: { image?: string }[] } } };
  status?: { phase?: string; observedGeneration?: number; updatedReplicas?: number; availableReplicas?: number; replicas?: number; containerStatuses?: { name: string; state?: { running?: unknown } }[] };
  data?: Record<string, string>;
}

/** The objects on disk (snapshot plus journal), read without the lock while kubeterm runs. */
function readState(): StoredObject[] {
  return readStateOnDisk(state).objects as unknown as StoredObject[];
}

function instanceId(): string | undefined {
  try {
    return readState().find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'kubeterm-instance')?.data?.id;
  } catch {
    return undefined;
  }
}

afterAll(async () => {
  for (const k of running) await k.kill9();
  const id = instanceId();
  if (env.docker && id) await cleanupDocker(env.docker, id);
  rmSync(dir, { recursive: true, force: true });
});

/** Docker compared with the live pods of the state file. */
function mismatches(instance: string): Promise<string[]> {
  const pods = readState().filter((o) => o.kind === 'Pod' && o.metadata.namespace === 'default' && o.spec?.nodeName);
  const live = pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  return dockerMismatches(env.docker!, instance, live.map((p) => ({ name: p.metadata.name, uid: p.metadata.uid!, containers: (p.spec!.containers ?? []).map((c) => c.name) })));
}

/** The rollout to `image` is complete: status caught up, 3 pods, all of that image, all running, none terminating. */
function rolledOut(image: string): boolean {
  const objs = readState();
  const web = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'web');
  const s = web?.status;
  if (!web || web.spec?.template?.spec?.containers?.[0]?.image !== image) return false;
  if (s?.observedGeneration !== web.metadata.generation || s?.updatedReplicas !== 3 || s?.availableReplicas !== 3 || s?.replicas !== 3) return false;
  const pods = objs.filter((o) => o.kind === 'Pod' && o.metadata.name.startsWith('web-'));
  return pods.length === 3 && pods.every((p) => !p.metadata.deletionTimestamp && p.spec?.containers?.[0]?.image === image && !!p.status?.containerStatuses?.[0]?.state?.running);
}

const rand = (n: number) => Math.floor(Math.random() * n);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts kubeterm, waits for its first sync, the rollout to `image` and Docker in step with the store. */
async function startAndSettle(image: string): Promise<{ k: Kubeterm; instance: string; settleMs: number }> {
  const k = startKubeterm([folder, '--headless', '--runtime', 'docker', '--no-api', '--no-network', '--state', state]);
  running.push(k);
  await k.waitFor(/^SYNC /, START_MS);
  const t0 = Date.now();
  const instance = instanceId()!;
  let last: string[] = [];
  await until(
    `the rollout to ${image} and Docker in step with the store (last mismatches: ${JSON.stringify(last)})`,
    async () => rolledOut(image) && (last = await mismatches(instance)).length === 0,
    SETTLE_MS,
  ).catch((e: Error) => {
    throw new Error(`${e.message}; mismatches: ${JSON.stringify(last)}; kubeterm said:\n${k.out.slice(-15).join('\n')}`);
  });
  return { k, instance, settleMs: Date.now() - t0 };
}

describe.skipIf(!env.docker)('kill -9 of kubeterm on Docker during a rolling update', () => {
  it(`${ROUNDS} kills at random moments: each restart completes the rollout with no duplicated or orphaned container`, async () => {
    const t0 = Date.now();
    writeFileSync(join(folder, 'web.yaml'), deployment(IMAGES[0]));
    let image = IMAGES[0];
    let rounds = 0;
    const settles: number[] = [];
    const delays: number[] = [];
    let midRollout = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      if (Date.now() - t0 > BUDGET_MS) {
        console.log(`faults: kill -9 on Docker: time budget reached after ${rounds} rounds`);
        break;
      }
      const { k, settleMs } = await startAndSettle(image);
      settles.push(settleMs);
      // A rolling update, killed at a random moment of it (from at once to well into the surge).
      image = IMAGES[round % IMAGES.length];
      writeFileSync(join(folder, 'web.yaml'), deployment(image));
      const delay = rand(2) ? rand(800) : 800 + rand(4000);
      delays.push(delay);
      await sleep(delay);
      if (!rolledOut(image)) midRollout++;
      await k.kill9();
      running.splice(running.indexOf(k), 1);
      rounds++;
    }
    expect(rounds).toBeGreaterThanOrEqual(Math.min(ROUNDS, 5));

    // The last restart: the rollout completes, Docker matches the store, and it stays so.
    const { k, instance, settleMs } = await startAndSettle(image);
    settles.push(settleMs);
    for (let i = 0; i < 3; i++) {
      await sleep(1000);
      expect(await mismatches(instance)).toEqual([]);
    }
    const all = await env.docker!.listContainers({ all: true, filters: { label: [`${LABEL_INSTANCE}=${instance}`] } });
    k.child.kill('SIGTERM');
    expect((await k.exited).code).toBe(0);
    running.splice(running.indexOf(k), 1);
    const sorted = [...settles].sort((a, b) => a - b);
    console.log(
      `faults: kill -9 on Docker: ${rounds} kills during rolling updates (${midRollout} before the rollout was complete; delays ${delays.join(', ')} ms after the edit), each restart finished the rollout with no duplicate or orphan; ` +
        `settle after restart median ${(sorted[Math.floor(sorted.length / 2)] / 1000).toFixed(1)} s, max ${(sorted[sorted.length - 1] / 1000).toFixed(1)} s; ${all.length} containers of the instance at the end (running and dead); ${Math.round((Date.now() - t0) / 1000)} s`,
    );
  }, 600_000);
});

// Containers that misbehave, on the whole engine with runtime 'docker' (issue
// #10, Faults): one that exits at once (crash loop with Kubernetes' back-off),
// one that ignores SIGTERM (killed when the grace period is over), and one
// that is OOM-killed under a small memory limit (this kernel and Docker do
// enforce memory limits: `docker run -m 8m` of the same command exits 137
// with State.OOMKilled). Real time throughout — the engine's clock is the
// real one here — so waits are bounded and the test keeps to the first two
// back-off steps (10 s, 20 s). Figures are printed as `faults: …` lines.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../src/api/types/pod.js';
import { Engine } from '../../src/engine.js';
import { LABEL_INSTANCE, LABEL_POD_UID, LABEL_SANDBOX } from '../../src/kubelet/runtime/types.js';
import { TEST_IMAGE, cleanupDocker, dockerOrSkipReason } from '../runtime/docker-env.js';
import { eventsOf, until } from './docker-helpers.js';

const env = await dockerOrSkipReason();

const pod = (name: string, spec: Record<string, unknown>, containers: Record<string, unknown>[]): Pod =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { terminationGracePeriodSeconds: 1, ...spec, containers: containers.map((c) => ({ name: 'app', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', ...c })) },
  }) as Pod;

const app = (p: Pod | undefined) => p?.status?.containerStatuses?.find((c) => c.name === 'app');
const secondsBetween = (a?: string, b?: string) => (Date.parse(b ?? '') - Date.parse(a ?? '')) / 1000;

describe.skipIf(!env.docker)('faults on Docker: containers that misbehave', { timeout: 120_000 }, () => {
  let engine: Engine;
  let dir: string;
  let instance = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubeterm-faults-docker-'));
    engine = new Engine({ persist: false, runtime: 'docker', nodes: 1, dataDir: dir });
    await engine.start();
    instance = (engine.api.get('ConfigMap', 'kube-system', 'kubeterm-instance')?.data as { id: string }).id;
  });

  afterAll(async () => {
    if (!engine) return;
    // kubeterm leaves containers running across its restarts on purpose; this test removes what it made.
    for (const p of engine.api.list('Pod', { namespace: 'default' }).items) await engine.api.delete('Pod', 'default', p.metadata.name!, { gracePeriodSeconds: 0 }).catch(() => {});
    await until('the pods to be gone', () => engine.api.list('Pod', { namespace: 'default' }).items.length === 0, 30_000).catch(() => {});
    await engine.stop();
    if (instance) await cleanupDocker(env.docker!, instance);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Docker's app containers (not sandboxes) of one pod. */
  const containersOf = (uid: string) =>
    env.docker!.listContainers({ all: true, filters: { label: [`${LABEL_INSTANCE}=${instance}`, `${LABEL_POD_UID}=${uid}`, `${LABEL_SANDBOX}=false`] } });

  it('a container that exits at once crash-loops with growing back-off, CrashLoopBackOff and BackOff events', async () => {
    const t0 = Date.now();
    // `exit 1` fails (Error); `true` completes (Completed) — under restartPolicy Always both are restarted and both loop.
    await engine.api.create(pod('crash', {}, [{ command: ['sh', '-c', 'exit 1'] }]));
    await engine.api.create(pod('done', {}, [{ command: ['true'] }]));
    const backingOff = (name: string, count: number) =>
      until(`${name}: CrashLoopBackOff after ${count} restart(s)`, () => {
        const p = engine.api.get('Pod', 'default', name);
        const cs = app(p);
        return cs?.restartCount === count && cs.state?.waiting?.reason === 'CrashLoopBackOff' ? p : undefined;
      }, 60_000);

    // The first exit is restarted at once; the second waits 10 s.
    const crash1 = await backingOff('crash', 1);
    const uid = crash1.metadata.uid!;
    expect(app(crash1)!.state!.waiting!.message).toBe(`back-off 10s restarting failed container=app pod=crash_default(${uid})`);
    expect(app(crash1)!.lastState!.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    const done1 = await backingOff('done', 1);
    expect(app(done1)!.lastState!.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(done1.status?.phase).toBe('Running');
    const reached1 = Date.now() - t0;

    // Then it runs once more (restartCount 2) and the next back-off doubles to 20 s.
    const crash2 = await backingOff('crash', 2);
    expect(app(crash2)!.state!.waiting!.message).toBe(`back-off 20s restarting failed container=app pod=crash_default(${uid})`);
    expect(app(crash2)!.lastState!.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    // The third run started no sooner than 10 s after the second ended (Docker's own timestamps).
    const gap = secondsBetween(app(crash1)!.lastState!.terminated!.finishedAt, app(crash2)!.lastState!.terminated!.startedAt);
    expect(gap).toBeGreaterThanOrEqual(9); // 10 s back-off; RFC 3339 timestamps are whole seconds
    expect(eventsOf(engine.api, 'crash')).toContainEqual({
      reason: 'BackOff',
      type: 'Warning',
      message: `Back-off restarting failed container app in pod crash_default(${uid})`,
    });
    expect(eventsOf(engine.api, 'done').some((e) => e.reason === 'BackOff' && e.message.startsWith('Back-off restarting failed container app in pod done_default('))).toBe(true);
    // No storm: still 2 restarts a moment later, and Docker keeps one dead attempt (for logs --previous) plus nothing else running.
    expect(app(engine.api.get('Pod', 'default', 'crash'))!.restartCount).toBe(2);
    const inDocker = await containersOf(uid);
    expect(inDocker.filter((c) => c.State === 'running')).toEqual([]);
    expect(inDocker.length).toBeLessThanOrEqual(2);
    console.log(
      `faults: crash loop on Docker: CrashLoopBackOff (back-off 10s) after ${(reached1 / 1000).toFixed(1)} s, restartCount 2 (back-off 20s) after ${((Date.now() - t0) / 1000).toFixed(1)} s, measured back-off ${gap.toFixed(1)} s, ${inDocker.length} dead container(s) kept`,
    );
    for (const name of ['crash', 'done']) await engine.api.delete('Pod', 'default', name);
  });

  it('a container that ignores SIGTERM is killed when terminationGracePeriodSeconds (2) is over', async () => {
    await engine.api.create(pod('stubborn', { terminationGracePeriodSeconds: 2 }, [{ command: ['sh', '-c', 'trap "" TERM; while :; do sleep 1; done'] }]));
    const p = await until('stubborn: Running', () => {
      const q = engine.api.get('Pod', 'default', 'stubborn');
      return app(q)?.state?.running ? q : undefined;
    }, 60_000);
    const uid = p.metadata.uid!;
    // Every status the kubelet writes while the pod terminates, up to its removal.
    const seen: Pod[] = [];
    const watch = engine.api.watch('Pod', { namespace: 'default', resourceVersion: p.metadata.resourceVersion }, (ev) => {
      if (ev.object.metadata.uid === uid) seen.push(ev.object as Pod);
    });
    const t0 = Date.now();
    try {
      await engine.api.delete('Pod', 'default', 'stubborn');
      await until('stubborn: the Pod object gone', () => !engine.api.get('Pod', 'default', 'stubborn'), 30_000);
    } finally {
      watch.stop();
    }
    const podGoneMs = Date.now() - t0;
    await until('stubborn: its containers gone from Docker', async () => (await containersOf(uid)).length === 0, 10_000);
    const killedMs = Date.now() - t0;
    // Not before the grace period: the shell ignored SIGTERM, so it ran until SIGKILL (exit code 137).
    expect(podGoneMs).toBeGreaterThanOrEqual(1900);
    const last = seen.map((q) => app(q)?.state?.terminated).filter((t) => t !== undefined).pop();
    expect(last).toMatchObject({ exitCode: 137, reason: 'Error' });
    expect(eventsOf(engine.api, 'stubborn')).toContainEqual({ reason: 'Killing', type: 'Normal', message: 'Stopping container app' });
    console.log(`faults: SIGTERM ignored on Docker: grace 2 s, pod gone ${(podGoneMs / 1000).toFixed(2)} s after the delete, containers gone after ${(killedMs / 1000).toFixed(2)} s, exit code ${last?.exitCode}`);
  });

  it('a container over its 8Mi memory limit is OOMKilled with exit code 137', async () => {
    // The shell builds a 50 MB string in its own memory: far over 8 MiB (no swap: the kubelet sets memory+swap to the limit).
    await engine.api.create(pod('oom', {}, [{ command: ['sh', '-c', 'x=$(head -c 50000000 /dev/zero | tr "\\0" a); echo ${#x}'], resources: { limits: { memory: '8Mi' } } }]));
    const t0 = Date.now();
    const p = await until('oom: lastState OOMKilled', () => {
      const q = engine.api.get('Pod', 'default', 'oom');
      return app(q)?.lastState?.terminated?.reason === 'OOMKilled' ? q : undefined;
    }, 60_000);
    expect(app(p)!.lastState!.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    expect(app(p)!.restartCount).toBeGreaterThanOrEqual(1);
    const [c] = (await containersOf(p.metadata.uid!)).sort((a, b) => b.Created - a.Created);
    const info = await env.docker!.getContainer(c.Id).inspect();
    expect(info.HostConfig.Memory).toBe(8 * 2 ** 20);
    expect(info.HostConfig.MemorySwap).toBe(8 * 2 ** 20);
    console.log(`faults: OOM on Docker: limit 8Mi, lastState.terminated OOMKilled/137 after ${((Date.now() - t0) / 1000).toFixed(1)} s, restartCount ${app(p)!.restartCount}`);
    await engine.api.delete('Pod', 'default', 'oom');
  });
});

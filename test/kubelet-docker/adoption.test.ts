// Restarts and outages on real Docker: a new kubelet of the same instance
// adopts the running containers (same ids, nothing duplicated, restartCount
// unchanged, still Ready) and removes those of pods that are gone — also after
// a real kill -9 of a kubeterm-like process with a state file; Docker
// going away marks the node NotReady and its return recovers it — simulated
// with a unix-socket proxy in front of the real engine that the test closes
// (the shared dockerd itself is never stopped).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import type { Pod } from '../../src/api/types/pod.js';
import { Kubelet } from '../../src/kubelet/kubelet.js';
import { DockerDriver } from '../../src/kubelet/runtime/docker/index.js';
import { realClock } from '../../src/util/clock.js';
import { openStore } from '../../state/index.js';
import { cleanupDocker, dockerOrSkipReason, uniqueInstance } from '../runtime/docker-env.js';
import { dockerProxy } from './docker-proxy.js';
import { TEST_IMAGE, containerStatus, dockerContainersOf, harness, idOf, podOf, running, waitFor, waitPod, type Harness } from './harness.js';

const env = await dockerOrSkipReason();
const SLEEP = 'trap "exit 0" TERM; while :; do sleep 1 & wait $!; done';
const readyOf = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status;

describe.skipIf(!env.docker)('kubelet on Docker: re-adoption', { timeout: 90_000 }, () => {
  let h: Harness;
  let second: Kubelet | undefined;

  beforeAll(async () => {
    h = harness(env.docker!, 'kt-kd-adopt');
    await h.kubelet.start();
  });

  afterAll(async () => {
    await h?.kubelet.stop();
    await second?.stop();
    await h?.cleanup();
  });

  it('a restarted kubelet adopts running containers and removes those of deleted pods', async () => {
    const probe = { exec: { command: ['true'] }, periodSeconds: 1, timeoutSeconds: 5 };
    await h.api.create(podOf('keep', { containers: [{ name: 'app', image: TEST_IMAGE, command: ['sh', '-c', SLEEP], readinessProbe: probe }] }));
    await h.api.create(podOf('drop', { containers: [{ name: 'app', image: TEST_IMAGE, command: ['sh', '-c', SLEEP] }] }));
    const keep = await waitPod(h.api, 'keep', (p) => running(p) && readyOf(p) === 'True', 30_000, 'Running and Ready');
    const drop = await waitPod(h.api, 'drop', running, 30_000, 'Running');
    const keepId = idOf(containerStatus(keep)?.containerID);
    const dropUid = drop.metadata.uid!;

    await h.kubelet.stop();
    // While no kubelet runs, the pod is force-deleted: its container becomes an orphan.
    await h.api.delete('Pod', 'default', 'drop', { gracePeriodSeconds: 0 });
    expect(h.api.get('Pod', 'default', 'drop')).toBeUndefined();

    second = h.make();
    await second.start();
    await waitFor(async () => (await dockerContainersOf(env.docker!, h.instance, dropUid)).length === 0, 20_000, 'orphan removed');
    const list = await dockerContainersOf(env.docker!, h.instance, keep.metadata.uid!);
    expect(list.map((c) => c.Id)).toEqual([keepId]);
    expect(list[0].State).toBe('running');
    // A few syncs and probe periods later: same container, no restart, still Ready throughout.
    for (let i = 0; i < 3; i++) {
      await waitFor(async () => second!.isIdle(), 10_000, 'idle');
      await new Promise((r) => setTimeout(r, 500));
      const p = h.api.get('Pod', 'default', 'keep')!;
      expect(idOf(containerStatus(p)?.containerID)).toBe(keepId);
      expect(containerStatus(p)?.restartCount).toBe(0);
      expect(readyOf(p)).toBe('True');
    }
    expect(await dockerContainersOf(env.docker!, h.instance, keep.metadata.uid!)).toHaveLength(1);
  });
});

describe.skipIf(!env.docker)('kubelet on Docker: engine outage', { timeout: 90_000 }, () => {
  let h: Harness;
  let dir: string;
  let proxy: ReturnType<typeof dockerProxy>;
  let sock: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kt-kd-proxy-'));
    sock = join(dir, 'docker.sock');
    proxy = dockerProxy(sock);
    await proxy.listen();
    const instance = uniqueInstance('kt-kd-outage');
    const driver = new DockerDriver({ docker: new Dockerode({ socketPath: sock }), instance, network: `${instance}-net` });
    h = harness(env.docker!, 'kt-kd-outage', { driver, kubelet: { heartbeatIntervalMs: 300 } });
    await h.kubelet.start();
  });

  afterAll(async () => {
    await h?.kubelet.stop();
    await proxy?.close();
    await h?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const nodeReady = () => h.api.get('Node', '', 'node-1')?.status?.conditions?.find((c) => c.type === 'Ready');

  it('marks the node NotReady while Docker is away and recovers, leaving the pod running', async () => {
    const node = h.api.get('Node', '', 'node-1')!;
    expect(Number(node.status?.capacity?.cpu)).toBeGreaterThan(0);
    expect(nodeReady()?.status).toBe('True');
    await h.api.create(podOf('steady', { containers: [{ name: 'app', image: TEST_IMAGE, command: ['sh', '-c', SLEEP] }] }));
    const p = await waitPod(h.api, 'steady', running, 30_000, 'Running');
    const id = idOf(containerStatus(p)?.containerID);

    await proxy.close();
    const down = await waitFor(async () => (nodeReady()?.status === 'False' ? nodeReady() : undefined), 20_000, 'node NotReady');
    expect(down.reason).toBe('KubeletNotReady');
    expect(down.message).toContain(`container runtime is down: Cannot connect to the Docker daemon at unix://${sock}`);
    // The container itself is untouched.
    expect((await env.docker!.getContainer(id).inspect()).State.Running).toBe(true);

    await proxy.listen();
    await waitFor(async () => nodeReady()?.status === 'True', 20_000, 'node Ready again');
    await waitFor(async () => h.kubelet.isIdle(), 10_000, 'idle');
    const after = h.api.get('Pod', 'default', 'steady')!;
    expect(idOf(containerStatus(after)?.containerID)).toBe(id);
    expect(containerStatus(after)?.restartCount).toBe(0);
    expect(running(after)).toBe(true);
  });
});

describe.skipIf(!env.docker)('kubelet on Docker: kill -9 of the kubeterm process', { timeout: 120_000 }, () => {
  let dir: string;
  let instance: string;
  let child: ChildProcess | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kt-kd-kill-'));
    instance = uniqueInstance('kt-kd-kill');
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await cleanupDocker(env.docker!, instance, `${instance}-net`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('after kill -9 and a restart the same container keeps running, adopted, with restartCount unchanged', async () => {
    const stateFile = join(dir, 'state.json');
    const dataDir = join(dir, 'kubelet');
    const script = fileURLToPath(new URL('./kubelet-process.ts', import.meta.url));
    child = spawn(process.execPath, ['--import', 'tsx', script, stateFile, instance, `${instance}-net`, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const first = await new Promise<{ containerID: string; restartCount: number }>((resolve, reject) => {
      let buf = '';
      child!.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const nl = buf.indexOf('\n');
        if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
      });
      child!.once('exit', (code) => reject(new Error(`kubelet process exited early (${code})`)));
    });
    expect(first.restartCount).toBe(0);
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    child = undefined;

    // "kubeterm" starts again on the same state file and instance.
    const opened = await openStore({ file: stateFile });
    const api = new Api({ store: opened.store, now: () => Date.now() });
    const driver = new DockerDriver({ docker: env.docker!, instance, network: `${instance}-net` });
    const kubelet = new Kubelet({ api, clock: realClock, nodeName: 'node-1', driver, instance, dataDir, relistIntervalMs: 500 });
    try {
      await kubelet.start();
      const uid = api.get('Pod', 'default', 'survivor')!.metadata.uid!;
      for (let i = 0; i < 3; i++) {
        await waitFor(async () => kubelet.isIdle(), 10_000, 'idle');
        await new Promise((r) => setTimeout(r, 500));
        const cs = containerStatus(api.get('Pod', 'default', 'survivor')!);
        expect(cs?.containerID).toBe(first.containerID);
        expect(cs?.restartCount).toBe(0);
        expect(cs?.state?.running).toBeDefined();
      }
      const list = await dockerContainersOf(env.docker!, instance, uid);
      expect(list.map((c) => `docker://${c.Id}`)).toEqual([first.containerID]);
      expect(list[0].State).toBe('running');
    } finally {
      await kubelet.stop();
      await driver.close();
      await opened.close();
    }
  });
});

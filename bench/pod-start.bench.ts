// Pod start latency on the Docker runtime, three ways in the same run:
//  - kubelet: Api.create of a bound Pod → phase Running seen through a watch
//    (Api + Kubelet + DockerDriver: the Kubernetes pod-startup SLO's figure,
//    p99 ≤ 5 s excluding image pull — the image is local here);
//  - driver: the DockerDriver alone bringing up a pod (sandbox + one app
//    container → running);
//  - a plain `docker run -d` of the same image, so the overhead is visible.
// 50 pods each (BENCH_SCALE shrinks), one after another, each followed by one
// `docker run -d`, so both see the same machine and the same number of running
// containers; p50 and p99 of each side by side with their ratios, and the
// driver's steps (sandbox, app create, app start, status) to show where the
// time goes. Everything is removed after. Prints figures; asserts nothing.
// Without a Docker engine it reports why.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { Api } from '../src/api/api.js';
import type { KubeObject } from '../src/api/meta.js';
import type { Pod } from '../src/api/types/pod.js';
import { Kubelet } from '../src/kubelet/kubelet.js';
import { DockerDriver } from '../src/kubelet/runtime/docker/index.js';
import { realClock } from '../src/util/clock.js';
import { MemoryStore } from '../state/store.js';
import { LABEL_INSTANCE, LABEL_SANDBOX } from '../src/kubelet/runtime/types.js';
import { isMain, percentile, scaled } from './stats.js';

const run$ = promisify(execFile);
const IMAGE = 'kubeterm/busybox:latest';
const PODS = scaled(50);

function pod(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `bench-${i}`, namespace: 'default', uid: `bench-${randomBytes(6).toString('hex')}` },
    spec: { containers: [{ name: 'main', image: IMAGE }] },
  };
}

const r2 = (x: number) => Number(x.toFixed(2));

/** One `docker run -d` of the bench image (labelled for the cleanup): its wall time in ms. */
async function dockerRun(instance: string, ids: string[]): Promise<number> {
  const t0 = performance.now();
  const { stdout } = await run$('docker', ['run', '-d', '--label', `${LABEL_INSTANCE}=${instance}`, IMAGE, 'sleep', '3600']);
  const ms = performance.now() - t0;
  ids.push(stdout.trim());
  return ms;
}

/** create → Running through the watch, one pod at a time, on a kubelet of its own instance; a `docker run -d` after each. */
async function kubeletStarts(docker: Dockerode, instance: string, network: string, plainMs: number[], plainIds: string[]): Promise<number[]> {
  const store = new MemoryStore({ now: () => Date.now() });
  const api = new Api({ store, now: () => Date.now() });
  const driver = new DockerDriver({ docker, instance, network });
  const dataDir = mkdtempSync(join(tmpdir(), 'kt-bench-kubelet-'));
  const kubelet = new Kubelet({ api, clock: realClock, nodeName: 'bench-node', driver, instance, dataDir });
  const out: number[] = [];
  const waiters = new Map<string, () => void>();
  const watch = api.watch('Pod', {}, (ev) => {
    const p = ev.object as Pod;
    if (p.status?.phase === 'Running') waiters.get(p.metadata.name ?? '')?.();
  });
  try {
    await kubelet.start();
    for (let i = 0; i < PODS; i++) {
      const name = `kbench-${i}`;
      const seen = new Promise<void>((resolve) => waiters.set(name, resolve));
      const t0 = performance.now();
      await api.create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default' },
        spec: { nodeName: 'bench-node', containers: [{ name: 'main', image: IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }] },
      });
      await seen;
      out.push(performance.now() - t0);
      waiters.delete(name);
      plainMs.push(await dockerRun(instance, plainIds));
    }
  } finally {
    watch.stop();
    await kubelet.stop();
    await driver.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}

export async function run(): Promise<Record<string, number | string>> {
  const docker = new Dockerode();
  try {
    await docker.ping();
    await docker.getImage(IMAGE).inspect();
  } catch (e) {
    return { skipped: `no Docker engine with ${IMAGE}: ${(e as Error).message}` };
  }
  const instance = `kt-bench-${randomBytes(4).toString('hex')}`;
  const network = `${instance}-net`;
  const driver = new DockerDriver({ docker, instance, network });
  const driverMs: number[] = [];
  const sandboxMs: number[] = [];
  const appCreateMs: number[] = [];
  const appStartMs: number[] = [];
  const appStatusMs: number[] = [];
  const plainMs: number[] = [];
  const plainKubeletMs: number[] = [];
  const plainIds: string[] = [];
  let kubeletMs: number[] = [];
  try {
    await driver.ensureNetwork(); // once per engine, not per pod
    for (let i = 0; i < PODS; i++) {
      const p = pod(i);
      const t0 = performance.now();
      const sb = await driver.runSandbox({ pod: p, instance });
      const t1 = performance.now();
      const id = await driver.createContainer(sb, {
        podUid: p.metadata.uid!,
        podName: p.metadata.name!,
        podNamespace: 'default',
        name: 'main',
        attempt: 0,
        image: IMAGE,
        command: ['sleep', '3600'],
        env: [],
        mounts: [],
        spec: {},
      });
      const tc = performance.now();
      await driver.startContainer(id);
      const ts = performance.now();
      const st = await driver.containerStatus(id);
      const t2 = performance.now();
      if (st?.state !== 'running') throw new Error(`pod ${i}: container is ${st?.state}`);
      driverMs.push(t2 - t0);
      sandboxMs.push(t1 - t0);
      appCreateMs.push(tc - t1);
      appStartMs.push(ts - tc);
      appStatusMs.push(t2 - ts);
      plainMs.push(await dockerRun(instance, plainIds));
    }
    kubeletMs = await kubeletStarts(docker, `${instance}-kl`, network, plainKubeletMs, plainIds);
  } finally {
    // The kubelet's pods too (its own instance label).
    const kl = await docker.listContainers({ all: true, filters: { label: [`${LABEL_INSTANCE}=${instance}-kl`] } });
    await Promise.all(kl.filter((c) => c.Labels?.[LABEL_SANDBOX] !== 'true').map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
    await Promise.all(kl.filter((c) => c.Labels?.[LABEL_SANDBOX] === 'true').map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
    // App containers before the sandboxes whose network namespace they share.
    const left = await docker.listContainers({ all: true, filters: { label: [`${LABEL_INSTANCE}=${instance}`] } });
    const remove = (cs: typeof left) => Promise.all(cs.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
    await remove(left.filter((c) => c.Labels?.[LABEL_SANDBOX] !== 'true'));
    await remove(left.filter((c) => c.Labels?.[LABEL_SANDBOX] === 'true'));
    // Endpoints of just-removed containers can linger a moment: retry the network removal.
    for (let i = 0; i < 10; i++) {
      const gone = await docker.getNetwork(network).remove().then(() => true, (e) => (e as { statusCode?: number }).statusCode === 404);
      if (gone) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    await driver.close();
  }
  const p = (xs: number[], q: number) => r2(percentile(xs, q));
  const x = (a: number[], b: number[], q: number) => r2(percentile(a, q) / percentile(b, q));
  return {
    pods: PODS,
    'kubelet_create_to_running_watch.p50_ms': p(kubeletMs, 50),
    'kubelet_create_to_running_watch.p99_ms': p(kubeletMs, 99),
    'docker_run_d_beside_kubelet.p50_ms': p(plainKubeletMs, 50),
    'docker_run_d_beside_kubelet.p99_ms': p(plainKubeletMs, 99),
    'kubelet_vs_docker_run.p50_x': x(kubeletMs, plainKubeletMs, 50),
    'kubelet_vs_docker_run.p99_x': x(kubeletMs, plainKubeletMs, 99),
    'driver_pod_start.p50_ms': p(driverMs, 50),
    'driver_pod_start.p99_ms': p(driverMs, 99),
    'docker_run_d.p50_ms': p(plainMs, 50),
    'docker_run_d.p99_ms': p(plainMs, 99),
    'overhead_vs_docker_run.p50_x': x(driverMs, plainMs, 50),
    'overhead_vs_docker_run.p99_x': x(driverMs, plainMs, 99),
    'driver_sandbox.p50_ms': p(sandboxMs, 50),
    'driver_sandbox.p99_ms': p(sandboxMs, 99),
    'driver_app_create.p50_ms': p(appCreateMs, 50),
    'driver_app_start.p50_ms': p(appStartMs, 50),
    'driver_app_start.p99_ms': p(appStartMs, 99),
    'driver_app_status.p50_ms': p(appStatusMs, 50),
  };
}

if (isMain(import.meta.url)) {
  const r = await run();
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(32)} ${v}`);
}

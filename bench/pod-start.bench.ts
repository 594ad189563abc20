// Pod start latency on the Docker runtime: the DockerDriver bringing up a pod
// (sandbox + one app container → running) next to a plain `docker run -d` of
// the same image in the same run, so the driver's overhead is visible. 50 pods
// each (BENCH_SCALE shrinks), one after another; everything is removed after.
// Prints figures; asserts nothing. Without a Docker engine it reports why.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import type { KubeObject } from '../src/api/meta.js';
import { DockerDriver } from '../src/kubelet/runtime/docker/index.js';
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
  const plainMs: number[] = [];
  const plainIds: string[] = [];
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
      await driver.startContainer(id);
      const st = await driver.containerStatus(id);
      const t2 = performance.now();
      if (st?.state !== 'running') throw new Error(`pod ${i}: container is ${st?.state}`);
      driverMs.push(t2 - t0);
      sandboxMs.push(t1 - t0);

      const t3 = performance.now();
      const { stdout } = await run$('docker', ['run', '-d', '--label', `${LABEL_INSTANCE}=${instance}`, IMAGE, 'sleep', '3600']);
      plainMs.push(performance.now() - t3);
      plainIds.push(stdout.trim());
    }
  } finally {
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
  return {
    pods: PODS,
    'driver_pod_start.p50_ms': r2(percentile(driverMs, 50)),
    'driver_pod_start.p99_ms': r2(percentile(driverMs, 99)),
    'driver_sandbox.p50_ms': r2(percentile(sandboxMs, 50)),
    'driver_sandbox.p99_ms': r2(percentile(sandboxMs, 99)),
    'docker_run_d.p50_ms': r2(percentile(plainMs, 50)),
    'docker_run_d.p99_ms': r2(percentile(plainMs, 99)),
    'overhead_vs_docker_run.p50_x': r2(percentile(driverMs, 50) / percentile(plainMs, 50)),
  };
}

if (isMain(import.meta.url)) {
  const r = await run();
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(32)} ${v}`);
}

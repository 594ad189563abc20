// Pods as real containers through Api + Kubelet + DockerDriver: logs, env from
// ConfigMaps and Secrets (CreateContainerConfigError until they exist),
// configMap volumes updated in place, emptyDir shared between containers, init
// container order, exec, resolv.conf, graceful stop with preStop, deletion.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerOrSkipReason } from '../runtime/docker-env.js';
import { TEST_IMAGE, containerStatus, dockerContainersOf, eventsOf, harness, idOf, podOf, running, waitFor, waitPod, type Harness } from './harness.js';

const env = await dockerOrSkipReason();
const SLEEP = 'trap "exit 0" TERM; while :; do sleep 1 & wait $!; done';

describe.skipIf(!env.docker)('kubelet on Docker: pods', { timeout: 90_000 }, () => {
  let h: Harness;
  let hostDir: string;

  beforeAll(async () => {
    hostDir = mkdtempSync(join(tmpdir(), 'kt-kd-host-'));
    h = harness(env.docker!, 'kt-kd-pods', {
      kubelet: {
        dnsConfig: () => ({ nameservers: ['10.96.0.10'], searches: ['default.svc.cluster.local', 'svc.cluster.local'], options: [{ name: 'ndots', value: '5' }] }),
        hostPath: { allow: [hostDir] },
      },
    });
    await h.kubelet.start();
  });

  afterAll(async () => {
    await h?.kubelet.stop();
    await h?.cleanup();
    rmSync(hostDir, { recursive: true, force: true });
  });

  const logsOf = async (name: string, container?: string) => {
    const lines: string[] = [];
    await h.kubelet.logs('default', name, container, {}, (c) => lines.push(c.line));
    return lines;
  };

  it('runs a pod and reads its logs', async () => {
    await h.api.create(podOf('hello', { containers: [{ name: 'app', image: TEST_IMAGE, command: ['sh', '-c', `echo hello from $HOSTNAME; ${SLEEP}`] }] }));
    const p = await waitPod(h.api, 'hello', running, 30_000, 'Running');
    expect(p.status?.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(p.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(containerStatus(p)?.containerID).toMatch(/^docker:\/\/[0-9a-f]{64}$/);
    await waitFor(async () => (await logsOf('hello')).includes('hello from hello'), 10_000, 'log line');
    // resolv.conf from the kubelet's cluster DNS (dnsPolicy ClusterFirst).
    const r = await h.kubelet.exec('default', 'hello', 'app', ['cat', '/etc/resolv.conf']);
    expect(r.stdout).toBe('nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local\noptions ndots:5\n');
  });

  it('resolves env from a ConfigMap and a Secret, waiting with CreateContainerConfigError until they exist', async () => {
    await h.api.create(
      podOf('envpod', {
        containers: [
          {
            name: 'app',
            image: TEST_IMAGE,
            command: ['sh', '-c', `echo "color=$COLOR token=$TOKEN me=$ME/$MY_NS"; ${SLEEP}`],
            env: [
              { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'settings', key: 'color' } } },
              { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
              { name: 'ME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'MY_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
            ],
          },
        ],
      }),
    );
    const waiting = await waitPod(h.api, 'envpod', (p) => containerStatus(p)?.state?.waiting?.reason === 'CreateContainerConfigError', 20_000, 'CreateContainerConfigError');
    expect(containerStatus(waiting)?.state?.waiting?.message).toBe('configmap "settings" not found');
    expect(eventsOf(h.api, 'envpod')).toContainEqual({ reason: 'Failed', type: 'Warning', message: 'Error: configmap "settings" not found' });
    await h.api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { color: 'blue' } });
    await waitPod(h.api, 'envpod', (p) => containerStatus(p)?.state?.waiting?.message === 'secret "creds" not found', 20_000, 'secret missing');
    await h.api.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'default' }, data: { token: Buffer.from('s3cret').toString('base64') } });
    await waitPod(h.api, 'envpod', running, 30_000, 'Running');
    await waitFor(async () => (await logsOf('envpod')).includes('color=blue token=s3cret me=envpod/default'), 10_000, 'env in logs');
  });

  it('mounts a configMap volume and updates the file after the ConfigMap changes', async () => {
    await h.api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'site', namespace: 'default' }, data: { 'app.conf': 'version=1' } });
    await h.api.create(
      podOf('cmvol', {
        containers: [{ name: 'app', image: TEST_IMAGE, command: ['sh', '-c', SLEEP], volumeMounts: [{ name: 'cfg', mountPath: '/etc/app' }] }],
        volumes: [{ name: 'cfg', configMap: { name: 'site' } }],
      }),
    );
    await waitPod(h.api, 'cmvol', running, 30_000, 'Running');
    expect((await h.kubelet.exec('default', 'cmvol', 'app', ['cat', '/etc/app/app.conf'])).stdout).toBe('version=1');
    await h.api.modify('ConfigMap', 'default', 'site', (cm) => {
      cm.data = { 'app.conf': 'version=2' };
    });
    await waitFor(async () => (await h.kubelet.exec('default', 'cmvol', 'app', ['cat', '/etc/app/app.conf'])).stdout === 'version=2', 15_000, 'updated file');
  });

  it('keeps a pod ContainerCreating with FailedMount while its configMap volume is missing', async () => {
    await h.api.create(
      podOf('nomount', {
        containers: [{ name: 'app', image: TEST_IMAGE, command: ['sh', '-c', SLEEP], volumeMounts: [{ name: 'cfg', mountPath: '/etc/app' }] }],
        volumes: [{ name: 'cfg', configMap: { name: 'later' } }],
      }),
    );
    await waitFor(async () => eventsOf(h.api, 'nomount').find((e) => e.reason === 'FailedMount'), 20_000, 'FailedMount');
    expect(eventsOf(h.api, 'nomount').find((e) => e.reason === 'FailedMount')).toEqual({
      reason: 'FailedMount',
      type: 'Warning',
      message: 'MountVolume.SetUp failed for volume "cfg" : configmap "later" not found',
    });
    expect(containerStatus(h.api.get('Pod', 'default', 'nomount')!)?.state?.waiting?.reason).toBe('ContainerCreating');
    await h.api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'later', namespace: 'default' }, data: { k: 'v' } });
    await waitPod(h.api, 'nomount', running, 30_000, 'Running after the ConfigMap appeared');
  });

  it('shares an emptyDir between two containers and runs init containers in order', async () => {
    await h.api.create(
      podOf('shared', {
        initContainers: [
          { name: 'first', image: TEST_IMAGE, command: ['sh', '-c', 'echo one >> /data/order'], volumeMounts: [{ name: 'data', mountPath: '/data' }] },
          { name: 'second', image: TEST_IMAGE, command: ['sh', '-c', 'echo two >> /data/order'], volumeMounts: [{ name: 'data', mountPath: '/data' }] },
        ],
        containers: [
          { name: 'writer', image: TEST_IMAGE, command: ['sh', '-c', `echo from-writer > /data/note; ${SLEEP}`], volumeMounts: [{ name: 'data', mountPath: '/data' }] },
          { name: 'reader', image: TEST_IMAGE, command: ['sh', '-c', SLEEP], volumeMounts: [{ name: 'data', mountPath: '/shared' }] },
        ],
        volumes: [{ name: 'data', emptyDir: {} }],
      }),
    );
    const p = await waitPod(h.api, 'shared', running, 40_000, 'Running');
    expect(p.status?.initContainerStatuses?.map((s) => s.state?.terminated?.reason)).toEqual(['Completed', 'Completed']);
    expect((await h.kubelet.exec('default', 'shared', 'reader', ['cat', '/shared/order'])).stdout).toBe('one\ntwo\n');
    await waitFor(async () => (await h.kubelet.exec('default', 'shared', 'reader', ['cat', '/shared/note'])).stdout === 'from-writer\n', 10_000, 'note');
  });

  it('execs a command and returns its exit code and output', async () => {
    await waitPod(h.api, 'hello', running);
    const r = await h.kubelet.exec('default', 'hello', undefined, ['sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(r).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
    await expect(h.kubelet.exec('default', 'hello', 'nope', ['true'])).rejects.toThrow('container nope is not valid for pod hello');
  });

  it('reports per-container cpu and memory from Docker stats', async () => {
    const p = await waitPod(h.api, 'hello', running);
    const s = await h.kubelet.podStats(p.metadata.uid!);
    expect(s?.containers.map((c) => c.name)).toEqual(['app']);
    expect(s!.memory).toBeGreaterThan(0);
    expect(s!.cpu).toBeGreaterThanOrEqual(0);
  });

  it('stops gracefully: preStop runs first, a TERM-ignoring container is killed after the grace period, then the pod and its containers go', async () => {
    await h.api.create(
      podOf('stubborn', {
        terminationGracePeriodSeconds: 3,
        containers: [
          {
            name: 'app',
            image: TEST_IMAGE,
            command: ['sh', '-c', 'trap "" TERM; while :; do sleep 1; done'],
            lifecycle: { preStop: { exec: { command: ['sh', '-c', 'echo ran > /host/prestop'] } } },
            volumeMounts: [{ name: 'host', mountPath: '/host' }],
          },
        ],
        volumes: [{ name: 'host', hostPath: { path: hostDir, type: 'Directory' } }],
      }),
    );
    const p = await waitPod(h.api, 'stubborn', running, 30_000, 'Running');
    const uid = p.metadata.uid!;
    expect(await dockerContainersOf(env.docker!, h.instance, uid)).toHaveLength(1);
    const t0 = Date.now();
    await h.api.delete('Pod', 'default', 'stubborn');
    await waitFor(async () => !h.api.get('Pod', 'default', 'stubborn'), 30_000, 'pod gone');
    const took = Date.now() - t0;
    expect(readFileSync(join(hostDir, 'prestop'), 'utf8')).toBe('ran\n');
    expect(took).toBeGreaterThanOrEqual(2_000); // held for the grace period (less the preStop time)
    expect(took).toBeLessThan(20_000);
    expect(await dockerContainersOf(env.docker!, h.instance, uid)).toHaveLength(0);
    expect(existsSync(join(h.dataDir, 'pods', uid))).toBe(false);
  });

  it('stops a container that honours SIGTERM without waiting out the grace period', async () => {
    await h.api.create(podOf('polite', { terminationGracePeriodSeconds: 30, containers: [{ name: 'app', image: TEST_IMAGE, command: ['sh', '-c', SLEEP] }] }));
    const p = await waitPod(h.api, 'polite', running, 30_000, 'Running');
    const id = idOf(containerStatus(p)?.containerID);
    const t0 = Date.now();
    await h.api.delete('Pod', 'default', 'polite');
    await waitFor(async () => !h.api.get('Pod', 'default', 'polite'), 30_000, 'pod gone');
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(await h.driver.containerStatus(id)).toBeUndefined();
  });
});

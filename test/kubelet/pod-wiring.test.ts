// The pod worker's wiring on the simulated runtime and a FakeClock: env
// resolved through the Api (CreateContainerConfigError until the source
// exists), volumes (FailedMount), resolv.conf, probes (readiness → Ready,
// liveness → Killing + restart), preStop hooks, kubelet.exec.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/api/types/pod.js';
import { podReferences, podResolvConf } from '../../src/kubelet/pod-config.js';
import { boundPod, eventsOf, kubeletEnv, kubeletsStoppedAfterEach, recordContainerConfigs, settle } from './helpers.js';

const CLUSTER_DNS = { nameservers: ['10.96.0.10'], searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: [{ name: 'ndots', value: '5' }] };

const kubelets = kubeletsStoppedAfterEach();

function setup() {
  const dataDir = mkdtempSync(join(tmpdir(), 'kt-wiring-'));
  kubelets.dirs.push(dataDir);
  const env = kubeletEnv({ kubelet: { dataDir, dnsConfig: () => CLUSTER_DNS } });
  const configs = recordContainerConfigs(env.driver);
  return { ...env, dataDir, configs };
}

async function start(env: ReturnType<typeof setup>) {
  await kubelets.start(env.kubelet);
}

const pod = (api: ReturnType<typeof setup>['api'], name: string) => api.get('Pod', 'default', name)!;
const app = (p: Pod) => p.status?.containerStatuses?.[0];

describe('resolv.conf', () => {
  const base = boundPod('x');
  it('uses cluster DNS under ClusterFirst, merging the pod dnsConfig', () => {
    expect(podResolvConf(base, CLUSTER_DNS)).toBe('nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n');
    const p = { ...base, spec: { ...base.spec, dnsConfig: { nameservers: ['1.1.1.1'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } } };
    expect(podResolvConf(p, CLUSTER_DNS)).toBe('nameserver 10.96.0.10\nnameserver 1.1.1.1\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:2 edns0\n');
  });
  it('keeps the host file under Default, for host-network pods and without cluster DNS; None uses dnsConfig alone', () => {
    expect(podResolvConf({ ...base, spec: { ...base.spec, dnsPolicy: 'Default' } }, CLUSTER_DNS)).toBeUndefined();
    expect(podResolvConf({ ...base, spec: { ...base.spec, hostNetwork: true } }, CLUSTER_DNS)).toBeUndefined();
    expect(podResolvConf(base, undefined)).toBeUndefined();
    expect(podResolvConf({ ...base, spec: { ...base.spec, dnsPolicy: 'None', dnsConfig: { nameservers: ['9.9.9.9'], searches: ['a.b'] } } }, CLUSTER_DNS)).toBe(
      'nameserver 9.9.9.9\nsearch a.b\n',
    );
  });
});

describe('podReferences', () => {
  it('finds ConfigMaps and Secrets in env, envFrom, volumes and projected sources', () => {
    const p = boundPod('r', {
      spec: {
        containers: [{ name: 'app', image: 'i', env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 's1', key: 'k' } } }], envFrom: [{ configMapRef: { name: 'c1' } }] }],
        volumes: [
          { name: 'v', configMap: { name: 'c2' } },
          { name: 'p', projected: { sources: [{ secret: { name: 's2' } }] } },
        ],
      },
    });
    expect(['c1', 'c2', 'c3'].map((n) => podReferences(p, 'ConfigMap', n))).toEqual([true, true, false]);
    expect(['s1', 's2', 'c1'].map((n) => podReferences(p, 'Secret', n))).toEqual([true, true, false]);
  });
});

describe('pod worker wiring (simulated runtime)', () => {
  it('waits with CreateContainerConfigError until the ConfigMap exists, then starts with the resolved env and service links', async () => {
    const env = setup();
    await start(env);
    await env.api.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: '10.96.0.20', ports: [{ port: 80 }] } });
    await env.api.create(
      boundPod('cfg', {
        spec: {
          containers: [
            {
              name: 'app',
              image: 'nginx:1.25',
              env: [
                { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'settings', key: 'color' } } },
                { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
              ],
            },
          ],
        },
      }),
    );
    await settle(env.kubelet);
    expect(app(pod(env.api, 'cfg'))?.state?.waiting).toEqual({ reason: 'CreateContainerConfigError', message: 'configmap "settings" not found' });
    expect(eventsOf(env.api, 'cfg')).toContainEqual({ reason: 'Failed', type: 'Warning', message: 'Error: configmap "settings" not found', count: 1 });
    await env.api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { color: 'blue' } });
    await settle(env.kubelet);
    const p = pod(env.api, 'cfg');
    expect(app(p)?.state?.running).toBeDefined();
    const vars = Object.fromEntries(env.configs.at(-1)!.env.map((e) => [e.name, e.value]));
    expect(vars).toMatchObject({ COLOR: 'blue', IP: p.status?.podIP, WEB_SERVICE_HOST: '10.96.0.20', WEB_SERVICE_PORT: '80' });
    // resolv.conf is written into the pod's directory and mounted over /etc/resolv.conf.
    const resolv = env.configs.at(-1)!.mounts.find((m) => m.containerPath === '/etc/resolv.conf')!;
    expect(readFileSync(resolv.hostPath, 'utf8')).toContain('nameserver 10.96.0.10\n');
  });

  it('keeps the pod ContainerCreating with FailedMount until its volume source exists, and cleans the pod directory on deletion', async () => {
    const env = setup();
    await start(env);
    await env.api.create(
      boundPod('vol', {
        spec: {
          containers: [{ name: 'app', image: 'nginx:1.25', volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }] }],
          volumes: [{ name: 'cfg', configMap: { name: 'files' } }],
        },
      }),
    );
    await settle(env.kubelet);
    expect(app(pod(env.api, 'vol'))?.state?.waiting?.reason).toBe('ContainerCreating');
    expect(eventsOf(env.api, 'vol').find((e) => e.reason === 'FailedMount')?.message).toBe('MountVolume.SetUp failed for volume "cfg" : configmap "files" not found');
    await env.api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'files', namespace: 'default' }, data: { a: '1' } });
    await settle(env.kubelet);
    const p = pod(env.api, 'vol');
    expect(app(p)?.state?.running).toBeDefined();
    const mount = env.configs.at(-1)!.mounts.find((m) => m.containerPath === '/etc/cfg')!;
    expect(readFileSync(join(mount.hostPath, 'a'), 'utf8')).toBe('1');
    // An update reaches the files (through the ConfigMap watch).
    await env.api.modify('ConfigMap', 'default', 'files', (cm) => {
      cm.data = { a: '2' };
    });
    await settle(env.kubelet);
    expect(readFileSync(join(mount.hostPath, 'a'), 'utf8')).toBe('2');
    await env.api.delete('Pod', 'default', 'vol');
    await settle(env.kubelet);
    expect(env.api.get('Pod', 'default', 'vol')).toBeUndefined();
    expect(existsSync(join(env.dataDir, 'pods', p.metadata.uid!))).toBe(false);
  });

  it('drives Ready from a readiness probe and restarts on liveness failure with Unhealthy and Killing events', async () => {
    const env = setup();
    await start(env);
    await env.api.create(
      boundPod('probed', {
        spec: {
          containers: [
            {
              name: 'app',
              image: 'nginx:1.25',
              readinessProbe: { exec: { command: ['echo', 'ok'] }, periodSeconds: 5 },
              livenessProbe: { exec: { command: ['false'] }, initialDelaySeconds: 20, periodSeconds: 10, failureThreshold: 2 },
            },
          ],
        },
      }),
    );
    await settle(env.kubelet);
    const ready = () => pod(env.api, 'probed').status?.conditions?.find((c) => c.type === 'Ready')?.status;
    expect(ready()).toBe('False'); // not ready until the first readiness probe
    env.clock.advance(0);
    await settle(env.kubelet);
    expect(ready()).toBe('True');
    for (let i = 0; i < 4; i++) {
      env.clock.advance(10_000);
      await settle(env.kubelet);
    }
    const p = pod(env.api, 'probed');
    expect(app(p)?.restartCount).toBe(1);
    const evs = eventsOf(env.api, 'probed');
    expect(evs).toContainEqual(expect.objectContaining({ reason: 'Unhealthy', type: 'Warning', message: 'Liveness probe failed: command "false" exited with 1' }));
    expect(evs).toContainEqual(expect.objectContaining({ reason: 'Killing', type: 'Normal', message: 'Container app failed liveness probe, will be restarted' }));
  });

  it('runs preStop exec hooks before stopping, and execs through the kubelet', async () => {
    const env = setup();
    const calls: string[][] = [];
    const exec = env.driver.exec.bind(env.driver);
    env.driver.exec = async (id, cmd, streams) => {
      calls.push(cmd);
      return exec(id, cmd, streams);
    };
    await start(env);
    await env.api.create(
      boundPod('hooked', { spec: { containers: [{ name: 'app', image: 'nginx:1.25', lifecycle: { preStop: { exec: { command: ['echo', 'bye'] } } } }] } }),
    );
    await settle(env.kubelet);
    expect(await env.kubelet.exec('default', 'hooked', undefined, ['echo', 'hi'])).toEqual({ exitCode: 0, stdout: 'hi\n', stderr: '' });
    await expect(env.kubelet.exec('default', 'missing', undefined, ['echo'])).rejects.toThrow('pods "missing" not found');
    await env.api.delete('Pod', 'default', 'hooked');
    await settle(env.kubelet);
    expect(calls).toEqual([
      ['echo', 'hi'],
      ['echo', 'bye'],
    ]);
    expect(env.api.get('Pod', 'default', 'hooked')).toBeUndefined();
  });

  it('records FailedPreStopHook when the hook fails, and still stops the pod', async () => {
    const env = setup();
    await start(env);
    await env.api.create(boundPod('badhook', { spec: { containers: [{ name: 'app', image: 'nginx:1.25', lifecycle: { preStop: { exec: { command: ['false'] } } } }] } }));
    await settle(env.kubelet);
    const uid = pod(env.api, 'badhook').metadata.uid;
    await env.api.delete('Pod', 'default', 'badhook');
    await settle(env.kubelet);
    expect(env.api.get('Pod', 'default', 'badhook')).toBeUndefined();
    expect(eventsOf(env.api, 'badhook').find((e) => e.reason === 'FailedPreStopHook')).toEqual({
      reason: 'FailedPreStopHook',
      type: 'Warning',
      message: `Exec lifecycle hook ([false]) for Container "app" in Pod "badhook_default(${uid})" failed - error: command 'false' exited with 1: , message: ""`,
      count: 1,
    });
  });

  it('never dials a simulated pod: its httpGet probes pass, so it becomes Ready', async () => {
    const env = setup();
    await start(env);
    const probe = { httpGet: { path: '/', port: 80 }, periodSeconds: 5 };
    await env.api.create(boundPod('simweb', { spec: { containers: [{ name: 'app', image: 'nginx:1.25', readinessProbe: probe, livenessProbe: probe }] } }));
    await settle(env.kubelet);
    env.clock.advance(0);
    await settle(env.kubelet);
    env.clock.advance(30_000);
    await settle(env.kubelet);
    const p = pod(env.api, 'simweb');
    expect(p.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(app(p)?.restartCount).toBe(0);
    expect(eventsOf(env.api, 'simweb').filter((e) => e.reason === 'Unhealthy')).toEqual([]);
  });
});

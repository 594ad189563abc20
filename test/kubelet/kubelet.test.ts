import { afterEach, describe, expect, it } from 'vitest';
import type { Api } from '../../src/api/api.js';
import type { Pod } from '../../src/api/types/pod.js';
import type { Kubelet } from '../../src/kubelet/kubelet.js';
import type { LogChunk } from '../../src/kubelet/runtime/types.js';
import { boundPod, eventsOf, kubeletEnv, settle } from './helpers.js';

let running: Kubelet[] = [];
afterEach(async () => {
  for (const k of running) await k.stop();
  running = [];
});

async function started(env: ReturnType<typeof kubeletEnv>, k = env.kubelet) {
  await k.start();
  running.push(k);
  await settle(k);
  return k;
}

function getPod(api: Api, name: string): Pod {
  return api.get('Pod', 'default', name)!;
}

function cond(p: Pod, type: string) {
  return p.status?.conditions?.find((c) => c.type === type);
}

describe('Kubelet node registration and heartbeat', () => {
  it('registers its Node with capacity, nodeInfo, addresses, conditions and labels', async () => {
    const env = kubeletEnv({ kubelet: { labels: { zone: 'a' } } });
    await started(env);
    const n = env.api.get('Node', '', 'node-1')!;
    expect(n.status?.capacity).toMatchObject({ cpu: '4', memory: '8388608Ki', pods: '110' });
    expect(n.status?.allocatable).toMatchObject({ cpu: '4', memory: '8388608Ki', pods: '110' });
    expect(n.status?.nodeInfo).toMatchObject({ kubeletVersion: 'v1.32.0', operatingSystem: 'linux', architecture: 'amd64', containerRuntimeVersion: 'simulated://1.0.0' });
    expect(n.status?.addresses).toEqual([
      { type: 'InternalIP', address: '127.0.0.1' },
      { type: 'Hostname', address: 'node-1' },
    ]);
    expect(n.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID'],
      ['Ready', 'True', 'KubeletReady'],
    ]);
    expect(n.metadata.labels).toMatchObject({
      'kubernetes.io/hostname': 'node-1',
      'kubernetes.io/os': 'linux',
      'node-role.kubernetes.io/worker': '',
      zone: 'a',
    });
  });

  it('honours a capacity override', async () => {
    const env = kubeletEnv({ kubelet: { capacity: { cpu: '2', memory: '4Gi', pods: 20 } } });
    await started(env);
    expect(env.api.get('Node', '', 'node-1')!.status?.capacity).toMatchObject({ cpu: '2', memory: '4194304Ki', pods: '20' });
  });

  it('renews its Lease every interval and goes Ready=False when the runtime fails', async () => {
    const env = kubeletEnv();
    await started(env);
    const lease0 = env.api.get('Lease', 'kube-node-lease', 'node-1')!;
    expect(lease0.apiVersion).toBe('coordination.k8s.io/v1');
    expect(lease0.spec).toMatchObject({ holderIdentity: 'node-1', leaseDurationSeconds: 40 });
    env.clock.advance(10_000);
    await settle(env.kubelet);
    const lease1 = env.api.get('Lease', 'kube-node-lease', 'node-1')!;
    expect(Date.parse(lease1.spec!.renewTime!) - Date.parse(lease0.spec!.renewTime!)).toBe(10_000);

    env.driver.setDown('Cannot connect to the simulated runtime');
    env.clock.advance(10_000);
    await settle(env.kubelet);
    const ready = env.api.get('Node', '', 'node-1')!.status!.conditions!.find((c) => c.type === 'Ready')!;
    expect(ready).toMatchObject({ status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down: Cannot connect to the simulated runtime' });
    expect(ready.lastHeartbeatTime).toBe(new Date(env.clock.now()).toISOString().replace('.000Z', 'Z'));

    env.driver.setDown(undefined);
    env.clock.advance(10_000);
    await settle(env.kubelet);
    expect(env.api.get('Node', '', 'node-1')!.status!.conditions!.find((c) => c.type === 'Ready')!.status).toBe('True');
  });
});

describe('Kubelet pod lifecycle', () => {
  it('takes a bound pod to Running/Ready with correct container statuses and events', async () => {
    const env = kubeletEnv();
    await started(env);
    const created = await env.api.create(boundPod('web-abc'));
    await settle(env.kubelet);
    const p = getPod(env.api, 'web-abc');
    expect(p.status?.phase).toBe('Running');
    expect(p.status?.podIP).toMatch(/^10\.244\.1\.\d+$/);
    expect(p.status?.podIPs).toEqual([{ ip: p.status?.podIP }]);
    expect(p.status?.hostIP).toBe('127.0.0.1');
    expect(p.status?.startTime).toBeDefined();
    expect(p.status?.qosClass).toBe('BestEffort');
    const cs = p.status!.containerStatuses![0];
    expect(cs).toMatchObject({ name: 'app', ready: true, started: true, restartCount: 0, image: 'nginx:1.25' });
    expect(cs.state?.running?.startedAt).toBeDefined();
    expect(cs.containerID).toMatch(/^simulated:\/\/[0-9a-f]{64}$/);
    expect(cs.imageID).toMatch(/^sha256:/);
    expect(p.status?.conditions?.map((c) => [c.type, c.status])).toEqual([
      ['PodReadyToStartContainers', 'True'],
      ['Initialized', 'True'],
      ['Ready', 'True'],
      ['ContainersReady', 'True'],
      ['PodScheduled', 'True'],
    ]);
    const evs = eventsOf(env.api, 'web-abc');
    expect(evs.map((e) => [e.reason, e.message])).toEqual([
      ['Pulling', 'Pulling image "nginx:1.25"'],
      ['Pulled', 'Successfully pulled image "nginx:1.25" in 0s (0s including waiting). Image size: 0 bytes.'],
      ['Created', 'Created container: app'],
      ['Started', 'Started container app'],
    ]);
    // A second pod with the same image finds it present.
    await env.api.create(boundPod('web-def'));
    await settle(env.kubelet);
    expect(eventsOf(env.api, 'web-def')[0]).toMatchObject({ reason: 'Pulled', message: 'Container image "nginx:1.25" already present on machine' });
    expect(created.metadata.uid).toBeDefined();
  });

  it('imagePullPolicy Never fails with ErrImageNeverPull when the image is missing', async () => {
    const env = kubeletEnv();
    await started(env);
    await env.api.create(boundPod('never', { spec: { containers: [{ name: 'app', image: 'local/app:dev', imagePullPolicy: 'Never' }] } }));
    await settle(env.kubelet);
    const p = getPod(env.api, 'never');
    expect(p.status?.phase).toBe('Pending');
    expect(p.status?.containerStatuses?.[0].state?.waiting).toEqual({
      reason: 'ErrImageNeverPull',
      message: 'Container image "local/app:dev" is not present with pull policy of Never',
    });
    expect(eventsOf(env.api, 'never')[0]).toMatchObject({ type: 'Warning', reason: 'ErrImageNeverPull' });
  });

  it('runs init containers in order to completion first', async () => {
    const env = kubeletEnv({ sim: { initRunMs: 2000 } });
    await started(env);
    await env.api.create(
      boundPod('with-init', {
        spec: {
          initContainers: [
            { name: 'init-a', image: 'busybox:1.36' },
            { name: 'init-b', image: 'busybox:1.36' },
          ],
        },
      }),
    );
    await settle(env.kubelet);
    let p = getPod(env.api, 'with-init');
    expect(p.status?.phase).toBe('Pending');
    expect(cond(p, 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [init-a init-b]' });
    expect(p.status?.initContainerStatuses?.[0].state?.running).toBeDefined();
    expect(p.status?.initContainerStatuses?.[1].state?.waiting?.reason).toBe('PodInitializing');
    expect(p.status?.containerStatuses?.[0].state?.waiting?.reason).toBe('PodInitializing');
    env.clock.advance(2000);
    await settle(env.kubelet);
    p = getPod(env.api, 'with-init');
    expect(p.status?.initContainerStatuses?.[0].state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(p.status?.initContainerStatuses?.[1].state?.running).toBeDefined();
    env.clock.advance(2000);
    await settle(env.kubelet);
    p = getPod(env.api, 'with-init');
    expect(p.status?.phase).toBe('Running');
    expect(cond(p, 'Initialized')?.status).toBe('True');
    expect(p.status?.initContainerStatuses?.every((s) => s.ready && s.state?.terminated?.exitCode === 0)).toBe(true);
  });

  it('crash-loop back-off grows 10s → 20s → 40s', async () => {
    const env = kubeletEnv({ sim: { exitDelayMs: 1000 } });
    await started(env);
    await env.api.create(boundPod('web-abc', { annotations: { 'sim.kubeterm.io/crash-loop': 'true' } }));
    await settle(env.kubelet);
    const uid = getPod(env.api, 'web-abc').metadata.uid;
    const waiting = () => getPod(env.api, 'web-abc').status!.containerStatuses![0];
    // 1st exit: restarted at once (restartCount 1).
    env.clock.advance(1000);
    await settle(env.kubelet);
    expect(waiting().restartCount).toBe(1);
    expect(waiting().state?.running).toBeDefined();
    expect(waiting().lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    // 2nd exit: back-off 10s.
    env.clock.advance(1000);
    await settle(env.kubelet);
    expect(waiting().state?.waiting).toEqual({
      reason: 'CrashLoopBackOff',
      message: `back-off 10s restarting failed container=app pod=web-abc_default(${uid})`,
    });
    expect(getPod(env.api, 'web-abc').status?.phase).toBe('Running');
    expect(cond(getPod(env.api, 'web-abc'), 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' });
    env.clock.advance(9_999);
    await settle(env.kubelet);
    expect(waiting().restartCount).toBe(1);
    env.clock.advance(1);
    await settle(env.kubelet);
    expect(waiting().restartCount).toBe(2);
    expect(waiting().state?.running).toBeDefined();
    // 3rd exit: 20s.
    env.clock.advance(1000);
    await settle(env.kubelet);
    expect(waiting().state?.waiting?.message).toBe(`back-off 20s restarting failed container=app pod=web-abc_default(${uid})`);
    env.clock.advance(20_000);
    await settle(env.kubelet);
    expect(waiting().restartCount).toBe(3);
    // 4th exit: 40s.
    env.clock.advance(1000);
    await settle(env.kubelet);
    expect(waiting().state?.waiting?.message).toBe(`back-off 40s restarting failed container=app pod=web-abc_default(${uid})`);
    const backoffs = eventsOf(env.api, 'web-abc').filter((e) => e.reason === 'BackOff');
    expect(backoffs[0]).toMatchObject({ type: 'Warning', message: `Back-off restarting failed container app in pod web-abc_default(${uid})` });
    expect(backoffs[0].count).toBe(3);
  });

  it('restartPolicy Never: a failing container makes the pod Failed', async () => {
    const env = kubeletEnv();
    await started(env);
    await env.api.create(boundPod('job-x', { annotations: { 'sim.kubeterm.io/fail': '3' }, spec: { restartPolicy: 'Never' } }));
    await settle(env.kubelet);
    env.clock.advance(1000);
    await settle(env.kubelet);
    const p = getPod(env.api, 'job-x');
    expect(p.status?.phase).toBe('Failed');
    expect(p.status?.containerStatuses?.[0].state?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(p.status?.containerStatuses?.[0].restartCount).toBe(0);
    expect(cond(p, 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
  });

  it('run-seconds with restartPolicy OnFailure: Succeeded', async () => {
    const env = kubeletEnv();
    await started(env);
    await env.api.create(boundPod('job-ok', { annotations: { 'sim.kubeterm.io/run-seconds': '5' }, spec: { restartPolicy: 'OnFailure' } }));
    await settle(env.kubelet);
    expect(getPod(env.api, 'job-ok').status?.phase).toBe('Running');
    env.clock.advance(5000);
    await settle(env.kubelet);
    const p = getPod(env.api, 'job-ok');
    expect(p.status?.phase).toBe('Succeeded');
    expect(p.status?.containerStatuses?.[0].state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });

  it('never-ready keeps the pod Running but not Ready', async () => {
    const env = kubeletEnv();
    await started(env);
    await env.api.create(boundPod('slow', { annotations: { 'sim.kubeterm.io/never-ready': 'true' } }));
    await settle(env.kubelet);
    const p = getPod(env.api, 'slow');
    expect(p.status?.phase).toBe('Running');
    expect(p.status?.containerStatuses?.[0]).toMatchObject({ ready: false, started: true });
    expect(cond(p, 'ContainersReady')?.status).toBe('False');
  });

  it('graceful deletion stops containers, then removes the pod object', async () => {
    const env = kubeletEnv();
    await started(env);
    await env.api.create(boundPod('web-abc', { spec: { terminationGracePeriodSeconds: 30 } }));
    await settle(env.kubelet);
    const marked = await env.api.delete('Pod', 'default', 'web-abc');
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    await settle(env.kubelet);
    expect(env.api.get('Pod', 'default', 'web-abc')).toBeUndefined();
    expect(await env.driver.listContainers('test-instance')).toEqual([]);
    expect(await env.driver.listSandboxes('test-instance')).toEqual([]);
    expect(eventsOf(env.api, 'web-abc').find((e) => e.reason === 'Killing')).toMatchObject({ type: 'Normal', message: 'Stopping container app' });
  });

  it('re-adopts running containers after a restart and cleans up those of vanished pods', async () => {
    const env = kubeletEnv();
    await started(env);
    await env.api.create(boundPod('keep'));
    await env.api.create(boundPod('gone'));
    await settle(env.kubelet);
    const before = getPod(env.api, 'keep').status!.containerStatuses![0].containerID;
    await env.kubelet.stop();
    running = [];
    // While the kubelet is down, 'gone' is force-deleted.
    await env.api.delete('Pod', 'default', 'gone', { gracePeriodSeconds: 0 });
    const k2 = env.make();
    await started(env, k2);
    const after = getPod(env.api, 'keep').status!.containerStatuses![0];
    expect(after.containerID).toBe(before);
    expect(after.restartCount).toBe(0);
    const left = await env.driver.listContainers('test-instance');
    expect(left.map((c) => c.id)).toEqual([before!.replace('simulated://', '')]);
    expect(eventsOf(env.api, 'keep').filter((e) => e.reason === 'Created')).toHaveLength(1);
  });

  it('serves logs, previous logs and stats', async () => {
    const env = kubeletEnv({ sim: { exitDelayMs: 1000 } });
    await started(env);
    await env.api.create(boundPod('web-abc', { annotations: { 'sim.kubeterm.io/crash-loop': 'true' } }));
    await settle(env.kubelet);
    const lines: LogChunk[] = [];
    await env.kubelet.logs('default', 'web-abc', undefined, {}, (c) => lines.push(c));
    expect(lines.map((l) => l.line)).toContain('starting app (image nginx:1.25, attempt 0)');
    await expect(env.kubelet.logs('default', 'web-abc', 'app', { previous: true }, () => undefined)).rejects.toThrow(
      'previous terminated container "app" in pod "web-abc" not found',
    );
    env.clock.advance(1000);
    await settle(env.kubelet);
    const prev: LogChunk[] = [];
    await env.kubelet.logs('default', 'web-abc', 'app', { previous: true }, (c) => prev.push(c));
    expect(prev.map((l) => l.line)).toEqual(['starting app (image nginx:1.25, attempt 0)', 'app is up', 'exiting with code 1']);
    const stats = await env.kubelet.podStats(getPod(env.api, 'web-abc').metadata.uid!);
    expect(stats?.containers).toHaveLength(1);
    expect(stats!.memory).toBeGreaterThan(0);
    await expect(env.kubelet.logs('default', 'nope', undefined, {}, () => undefined)).rejects.toThrow('pods "nope" not found');
  });
});

describe('Kubelet pod updates and image pulls', () => {
  it('restarts a container whose image changed', async () => {
    const env = kubeletEnv();
    await started(env);
    await env.api.create(boundPod('web-abc'));
    await settle(env.kubelet);
    const before = getPod(env.api, 'web-abc').status!.containerStatuses![0].containerID;
    await env.api.modify<Pod>('Pod', 'default', 'web-abc', (p) => {
      p.spec.containers[0].image = 'nginx:1.27';
    });
    await settle(env.kubelet);
    const cs = getPod(env.api, 'web-abc').status!.containerStatuses![0];
    expect(cs.image).toBe('nginx:1.27');
    expect(cs.containerID).not.toBe(before);
    expect(cs.restartCount).toBe(1);
    expect(cs.state?.running).toBeDefined();
    expect(cs.lastState?.terminated?.containerID).toBe(before);
    expect(eventsOf(env.api, 'web-abc').find((e) => e.reason === 'Killing')?.message).toBe('Container app definition changed, will be restarted');
  });

  it('a failed pull is ErrImagePull, then ImagePullBackOff until the back-off passes', async () => {
    const env = kubeletEnv({ sim: { unpullable: ['nginx:does-not-exist'] } });
    await started(env);
    await env.api.create(boundPod('bad', { spec: { containers: [{ name: 'app', image: 'nginx:does-not-exist' }] } }));
    await settle(env.kubelet);
    const waiting = () => getPod(env.api, 'bad').status!.containerStatuses![0].state?.waiting;
    expect(waiting()?.reason).toBe('ErrImagePull');
    expect(eventsOf(env.api, 'bad').filter((e) => e.type === 'Warning').map((e) => e.message)).toEqual([
      'Failed to pull image "nginx:does-not-exist": rpc error: code = NotFound desc = failed to pull and unpack image "nginx:does-not-exist": not found',
      'Error: ErrImagePull',
    ]);
    env.clock.advance(1000); // any resync inside the window (the relist) shows the back-off
    env.kubelet.resync(getPod(env.api, 'bad').metadata.uid!);
    await settle(env.kubelet);
    expect(waiting()).toEqual({ reason: 'ImagePullBackOff', message: 'Back-off pulling image "nginx:does-not-exist"' });
    env.clock.advance(9000);
    await settle(env.kubelet);
    expect(eventsOf(env.api, 'bad').find((e) => e.reason === 'Pulling')?.count).toBe(2);
  });

  it('restartPolicy OnFailure restarts a failed container but not a succeeded one', async () => {
    const env = kubeletEnv();
    await started(env);
    await env.api.create(boundPod('flaky', { annotations: { 'sim.kubeterm.io/fail': '2' }, spec: { restartPolicy: 'OnFailure' } }));
    await settle(env.kubelet);
    env.clock.advance(1000);
    await settle(env.kubelet);
    const cs = getPod(env.api, 'flaky').status!.containerStatuses![0];
    expect(cs.restartCount).toBe(1);
    expect(cs.lastState?.terminated?.exitCode).toBe(2);
    expect(getPod(env.api, 'flaky').status?.phase).toBe('Running');
  });
});

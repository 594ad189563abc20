// Container lifecycle on real Docker: liveness failures restart the container
// (Unhealthy + Killing events, restartCount), readiness flips the Ready
// condition, a memory limit ends in OOMKilled, and a crash-looping container
// reaches CrashLoopBackOff with growing delays (the kubelet's back-off runs on
// a FakeClock; only Docker runs in real time).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../src/api/types/pod.js';
import { FakeClock } from '../../src/util/clock.js';
import { dockerOrSkipReason } from '../runtime/docker-env.js';
import { TEST_IMAGE, containerStatus, eventsOf, harness, podOf, running, waitPod, type Harness } from './harness.js';

const env = await dockerOrSkipReason();
const SLEEP = 'trap "exit 0" TERM; while :; do sleep 1 & wait $!; done';
const readyOf = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status;

describe.skipIf(!env.docker)('kubelet on Docker: probes, restarts, OOM', { timeout: 90_000 }, () => {
  let h: Harness;

  beforeAll(async () => {
    h = harness(env.docker!, 'kt-kd-life');
    await h.kubelet.start();
  });

  afterAll(async () => {
    await h?.kubelet.stop();
    await h?.cleanup();
  });

  it('restarts a container whose liveness probe fails, with the events', async () => {
    await h.api.create(
      podOf('live', {
        containers: [
          {
            name: 'app',
            image: TEST_IMAGE,
            // Healthy for a moment, then the probe's file goes; the restarted container starts healthy again.
            command: ['sh', '-c', `touch /tmp/healthy; (sleep 2; rm -f /tmp/healthy) & ${SLEEP}`],
            livenessProbe: { exec: { command: ['test', '-f', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 1, timeoutSeconds: 5 },
          },
        ],
      }),
    );
    const p = await waitPod(h.api, 'live', (q) => (containerStatus(q)?.restartCount ?? 0) >= 1 && !!containerStatus(q)?.state?.running, 45_000, 'restarted');
    expect(containerStatus(p)?.lastState?.terminated?.exitCode).toBeTypeOf('number');
    const evs = eventsOf(h.api, 'live');
    expect(evs).toContainEqual({ reason: 'Unhealthy', type: 'Warning', message: 'Liveness probe failed: command "test -f /tmp/healthy" exited with 1' });
    expect(evs).toContainEqual({ reason: 'Killing', type: 'Normal', message: 'Container app failed liveness probe, will be restarted' });
  });

  it('flips Ready with the readiness probe', async () => {
    await h.api.create(
      podOf('ready', {
        containers: [
          { name: 'app', image: TEST_IMAGE, command: ['sh', '-c', SLEEP], readinessProbe: { exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 1, timeoutSeconds: 5 } },
        ],
      }),
    );
    let p = await waitPod(h.api, 'ready', running, 30_000, 'Running');
    expect(readyOf(p)).toBe('False');
    expect(p.status?.conditions?.find((c) => c.type === 'ContainersReady')?.message).toBe('containers with unready status: [app]');
    await h.kubelet.exec('default', 'ready', 'app', ['touch', '/tmp/ready']);
    p = await waitPod(h.api, 'ready', (q) => readyOf(q) === 'True', 20_000, 'Ready=True');
    expect(containerStatus(p)?.ready).toBe(true);
    await h.kubelet.exec('default', 'ready', 'app', ['rm', '/tmp/ready']);
    await waitPod(h.api, 'ready', (q) => readyOf(q) === 'False', 20_000, 'Ready=False again');
    expect(eventsOf(h.api, 'ready').some((e) => e.reason === 'Unhealthy' && e.message.startsWith('Readiness probe failed: '))).toBe(true);
  });

  it('probes a web server over httpGet on a named port at the pod IP', async () => {
    await h.api.create(
      podOf('web', {
        containers: [
          {
            name: 'web',
            image: 'nginx:1.25', // kubeterm's stand-in: httpd serving /var/www on :80
            ports: [{ name: 'http', containerPort: 80 }],
            readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 1, timeoutSeconds: 5 },
            livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1, timeoutSeconds: 5 },
            volumeMounts: [{ name: 'content', mountPath: '/var/www' }],
          },
        ],
        volumes: [{ name: 'content', configMap: { name: 'web-content' } }],
      }),
    );
    await h.api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-content', namespace: 'default' }, data: { 'index.html': 'hello web' } });
    const p = await waitPod(h.api, 'web', (q) => readyOf(q) === 'True', 30_000, 'Ready');
    expect(containerStatus(p, 'web')?.restartCount).toBe(0);
    const res = await fetch(`http://${p.status?.podIP}/`);
    expect(await res.text()).toBe('hello web');
  });

  it('reports OOMKilled when a container exceeds its memory limit', async () => {
    await h.api.create(
      podOf('oom', {
        restartPolicy: 'Never',
        containers: [{ name: 'app', image: TEST_IMAGE, command: ['sh', '-c', 'x=0123456789; while :; do x=$x$x; done'], resources: { limits: { memory: '16Mi' } } }],
      }),
    );
    const p = await waitPod(h.api, 'oom', (q) => q.status?.phase === 'Failed', 45_000, 'Failed');
    expect(containerStatus(p)?.state?.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
  });

  it('does not restart a completed container under OnFailure, and restarts a failed one', async () => {
    await h.api.create(podOf('onfail-ok', { restartPolicy: 'OnFailure', containers: [{ name: 'app', image: TEST_IMAGE, command: ['true'] }] }));
    const ok = await waitPod(h.api, 'onfail-ok', (q) => q.status?.phase === 'Succeeded', 30_000, 'Succeeded');
    expect(containerStatus(ok)).toMatchObject({ restartCount: 0, state: { terminated: { reason: 'Completed', exitCode: 0 } } });
    // A failing one is restarted once at once; the second failure backs off (10 s of real time here: only restartCount 1 is awaited).
    await h.api.create(podOf('onfail-bad', { restartPolicy: 'OnFailure', containers: [{ name: 'app', image: TEST_IMAGE, command: ['sh', '-c', 'exit 2'] }] }));
    const bad = await waitPod(h.api, 'onfail-bad', (q) => (containerStatus(q)?.restartCount ?? 0) >= 1 && !!containerStatus(q)?.lastState?.terminated, 30_000, 'restarted');
    expect(containerStatus(bad)?.lastState?.terminated).toMatchObject({ exitCode: 2, reason: 'Error' });
    expect(bad.status?.phase).toBe('Running');
  });
});

describe.skipIf(!env.docker)('kubelet on Docker: CrashLoopBackOff on the kubelet clock', { timeout: 90_000 }, () => {
  let h: Harness;
  const clock = new FakeClock(Date.now());

  beforeAll(async () => {
    h = harness(env.docker!, 'kt-kd-crash', { clock });
    await h.kubelet.start();
  });

  afterAll(async () => {
    await h?.kubelet.stop();
    await h?.cleanup();
  });

  it('backs off 10s, then 20s, with CrashLoopBackOff and lastState.terminated', async () => {
    await h.api.create(podOf('crash', { containers: [{ name: 'app', image: TEST_IMAGE, command: ['sh', '-c', 'echo dying; exit 3'] }] }));
    const waitingMsg = (q: Pod) => containerStatus(q)?.state?.waiting;
    // First exit: restarted at once (restartCount 1); second exit: 10 s back-off.
    let p = await waitPod(h.api, 'crash', (q) => waitingMsg(q)?.reason === 'CrashLoopBackOff', 45_000, 'CrashLoopBackOff');
    expect(containerStatus(p)?.restartCount).toBe(1);
    expect(waitingMsg(p)?.message).toBe(`back-off 10s restarting failed container=app pod=crash_default(${p.metadata.uid})`);
    expect(containerStatus(p)?.lastState?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(eventsOf(h.api, 'crash')).toContainEqual({
      reason: 'BackOff',
      type: 'Warning',
      message: `Back-off restarting failed container app in pod crash_default(${p.metadata.uid})`,
    });
    // Still backing off 9 s later on the kubelet's clock.
    clock.advance(9_000);
    await h.kubelet.whenIdle();
    expect(containerStatus(h.api.get('Pod', 'default', 'crash')!)?.restartCount).toBe(1);
    clock.advance(1_500);
    p = await waitPod(h.api, 'crash', (q) => containerStatus(q)?.restartCount === 2 && waitingMsg(q)?.reason === 'CrashLoopBackOff', 45_000, 'second back-off');
    expect(waitingMsg(p)?.message).toMatch(/^back-off 20s restarting failed container=app/);
    clock.advance(19_000);
    await h.kubelet.whenIdle();
    expect(containerStatus(h.api.get('Pod', 'default', 'crash')!)?.restartCount).toBe(2);
    clock.advance(1_500);
    p = await waitPod(h.api, 'crash', (q) => containerStatus(q)?.restartCount === 3 && waitingMsg(q)?.reason === 'CrashLoopBackOff', 45_000, 'third back-off');
    expect(waitingMsg(p)?.message).toMatch(/^back-off 40s restarting failed container=app/);
  });
});

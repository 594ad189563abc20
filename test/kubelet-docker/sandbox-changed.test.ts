// A pod's sandbox that dies under it, on real Docker: the holder container is
// stopped behind the kubelet's back (what a Docker restart does to every pod).
// As the kubelet does, a SandboxChanged event, the app container killed and
// started again in a new sandbox (restartCount 1), and Docker left with exactly
// one running sandbox and one running app container for the pod. Also the
// leftovers of a kubeterm killed mid-start: a sandbox created but never
// started, and an app container created but never started, are replaced /
// started by the next kubelet instead of blocking the pod forever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL_INSTANCE, LABEL_POD_UID, LABEL_SANDBOX } from '../../src/kubelet/runtime/types.js';
import { dockerOrSkipReason } from '../runtime/docker-env.js';
import { TEST_IMAGE, containerStatus, dockerContainersOf, eventsOf, harness, idOf, podOf, running, waitFor, waitPod, type Harness } from './harness.js';

const env = await dockerOrSkipReason();
const SLEEP = 'trap "exit 0" TERM; while :; do sleep 1 & wait $!; done';

describe.skipIf(!env.docker)('kubelet on Docker: a sandbox that dies', { timeout: 90_000 }, () => {
  let h: Harness;

  beforeAll(async () => {
    h = harness(env.docker!, 'kt-kd-sandbox');
    await h.kubelet.start();
  });

  afterAll(async () => {
    await h?.kubelet.stop();
    await h?.cleanup();
  });

  const sandboxesOf = (uid: string, status?: string) =>
    env.docker!.listContainers({ all: true, filters: { label: [`${LABEL_INSTANCE}=${h.instance}`, `${LABEL_POD_UID}=${uid}`, `${LABEL_SANDBOX}=true`], ...(status ? { status: [status] } : {}) } });

  it('a stopped sandbox is re-created and the container restarted in it (SandboxChanged)', async () => {
    await h.api.create(podOf('victim', { containers: [{ name: 'app', image: TEST_IMAGE, command: ['sh', '-c', SLEEP] }] }));
    const p = await waitPod(h.api, 'victim', running, 30_000, 'Running');
    const uid = p.metadata.uid!;
    const [sb] = await sandboxesOf(uid, 'running');
    const firstApp = idOf(containerStatus(p)?.containerID);

    await env.docker!.getContainer(sb.Id).stop({ t: 0 });
    const after = await waitPod(h.api, 'victim', (q) => running(q) && containerStatus(q)?.restartCount === 1, 30_000, 'restarted in a new sandbox');
    expect(idOf(containerStatus(after)?.containerID)).not.toBe(firstApp);
    expect(eventsOf(h.api, 'victim')).toContainEqual({ reason: 'SandboxChanged', type: 'Normal', message: 'Pod sandbox changed, it will be killed and re-created.' });
    const sandboxes = await sandboxesOf(uid, 'running');
    expect(sandboxes).toHaveLength(1);
    expect(sandboxes[0].Id).not.toBe(sb.Id);
    expect(after.status?.podIP).toBeTruthy();
    const apps = (await dockerContainersOf(env.docker!, h.instance, uid)).filter((c) => c.State === 'running');
    expect(apps.map((c) => c.Id)).toEqual([idOf(containerStatus(after)?.containerID)]);
    // And it stays so: no second re-creation once the new sandbox runs.
    await waitFor(async () => h.kubelet.isIdle(), 10_000, 'idle');
    await new Promise((r) => setTimeout(r, 1500));
    expect(containerStatus(h.api.get('Pod', 'default', 'victim')!)?.restartCount).toBe(1);
    expect(eventsOf(h.api, 'victim').filter((e) => e.reason === 'SandboxChanged')).toHaveLength(1);
  });

  it('a restarted kubelet replaces a sandbox created but never started, and starts a container created but never started', async () => {
    await h.kubelet.stop();
    // What a kubeterm killed between Docker's create and start leaves: a pod bound to the node, a holder in
    // state "created", and an app container in state "created" joined to a running holder of another pod.
    await h.api.create(podOf('halfmade', { containers: [{ name: 'app', image: TEST_IMAGE, command: ['sh', '-c', SLEEP] }] }));
    const half = h.api.get('Pod', 'default', 'halfmade')!;
    const sbInfo = await h.driver.runSandbox({ pod: half, instance: h.instance });
    await env.docker!.getContainer(sbInfo.id).stop({ t: 0 });
    await h.api.create(podOf('unstarted', { containers: [{ name: 'app', image: TEST_IMAGE, command: ['sh', '-c', SLEEP] }] }));
    const un = h.api.get('Pod', 'default', 'unstarted')!;
    const unSb = await h.driver.runSandbox({ pod: un, instance: h.instance });
    const created = await h.driver.createContainer(unSb, {
      podUid: un.metadata.uid!,
      podName: 'unstarted',
      podNamespace: 'default',
      name: 'app',
      attempt: 0,
      image: TEST_IMAGE,
      command: ['sh', '-c', SLEEP],
      env: [],
      mounts: [],
      spec: {},
    });

    const k = h.make();
    try {
      await k.start();
      const a = await waitPod(h.api, 'halfmade', running, 30_000, 'Running in a new sandbox');
      expect((await sandboxesOf(a.metadata.uid!, 'running')).map((c) => c.Id)).not.toContain(sbInfo.id);
      expect(await sandboxesOf(a.metadata.uid!)).toHaveLength(1);
      const b = await waitPod(h.api, 'unstarted', running, 30_000, 'the created container started');
      expect(idOf(containerStatus(b)?.containerID)).toBe(created);
      expect(containerStatus(b)?.restartCount).toBe(0);
    } finally {
      await k.stop();
    }
  });
});

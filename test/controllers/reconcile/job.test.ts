// Job controller, one sync at a time (pkg/controller/job job_controller_test.go:
// TestControllerSyncJob "job start", "correct # of pods", "WQ job finishing"):
// the generated selector first, then the pods and status; a finished pod
// completes the Job; a Job running its pods, and a finished Job, write nothing.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/meta.js';
import { newJobController } from '../../../src/controllers/job.js';
import { create, expectNoWritesNowOrLater, seededWith, syncOnce, update, updateStatus, type Fixture } from './fixture.js';
import { finish, runAll } from './pods.js';

const job = (parallelism = 1, completions = 1): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'pi', namespace: 'default' },
  spec: { parallelism, completions, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
});
const podName = expect.stringMatching(/^pi-[a-z0-9]{5}$/);

/** The Job after its selector has been generated. */
async function seeded(parallelism?: number, completions?: number): Promise<{ f: Fixture; c: ReturnType<typeof newJobController> }> {
  const { f, c } = await seededWith(newJobController, job(parallelism, completions));
  await syncOnce(f, c, 'default/pi');
  f.clear();
  return { f, c };
}

/** The seeded Job with its pods created, Running, and the Job's status caught up. */
async function withRunningPods(parallelism?: number, completions?: number): Promise<{ f: Fixture; c: ReturnType<typeof newJobController> }> {
  const { f, c } = await seeded(parallelism, completions);
  await f.converge(c, 'default/pi');
  await runAll(f);
  await f.converge(c, 'default/pi');
  return { f, c };
}

describe('job reconcile', () => {
  it('first writes the generated selector and pod template labels', async () => {
    const { f, c } = await seededWith(newJobController, job());
    expect(await syncOnce(f, c, 'default/pi')).toEqual([update('jobs', 'default', 'pi')]);
    expect(Object.keys(f.api.get('Job', 'default', 'pi')?.spec?.selector?.matchLabels ?? {})).toEqual(['batch.kubernetes.io/controller-uid']);
  });

  it('creates parallelism pods, then writes status', async () => {
    const { f, c } = await seeded(2, 4);
    expect(await syncOnce(f, c, 'default/pi')).toEqual([create('pods', 'default', podName), create('pods', 'default', podName), updateStatus('jobs', 'default', 'pi')]);
    expect(f.api.get('Job', 'default', 'pi')?.status).toMatchObject({ active: 2 });
  });

  it('completes the Job when its pod succeeds', async () => {
    const { f, c } = await withRunningPods();
    const [pod] = f.api.list('Pod').items;
    await finish(f, pod.metadata.name!, 'Succeeded');
    // As trackJobStatusAndRemoveFinalizers: the pod is recorded in status.uncountedTerminatedPods, its
    // tracking finalizer removed, then it is counted as succeeded and the Job is Complete.
    expect(await syncOnce(f, c, 'default/pi')).toEqual([
      updateStatus('jobs', 'default', 'pi'),
      update('pods', 'default', pod.metadata.name!),
      updateStatus('jobs', 'default', 'pi'),
    ]);
    expect(f.events()).toEqual(['Normal Completed Job completed']);
    expect(f.api.get('Job', 'default', 'pi')?.status?.conditions?.map((x: { type: string }) => x.type)).toContain('Complete');
  });

  it('does nothing while its pods run', async () => {
    const { f, c } = await withRunningPods();
    await expectNoWritesNowOrLater(f, c, 'default/pi');
    expect(f.events()).toEqual([]);
  });

  it('does nothing once the Job is complete', async () => {
    const { f, c } = await withRunningPods();
    await finish(f, f.api.list('Pod').items[0].metadata.name!, 'Succeeded');
    await f.converge(c, 'default/pi');
    await expectNoWritesNowOrLater(f, c, 'default/pi');
    expect(f.events()).toEqual([]);
  });

  it('counts a failed pod, replaces it after the back-off, then does nothing while the replacement runs', async () => {
    const { f, c } = await withRunningPods(2, 3);
    const [failed] = f.api.list('Pod').items;
    await finish(f, failed.metadata.name!, 'Failed');
    // The failure is counted (the pod's finalizer released in between), and the replacement waits for the pod-failure back-off.
    expect(await syncOnce(f, c, 'default/pi')).toEqual([
      updateStatus('jobs', 'default', 'pi'),
      update('pods', 'default', failed.metadata.name!),
      updateStatus('jobs', 'default', 'pi'),
    ]);
    f.clear();
    expect(await c.reconcileNow('default/pi')).toEqual({ requeueAfterMs: 10_000 });
    expect(f.actions()).toEqual([]);
    f.clock.advance(10_000);
    expect(await syncOnce(f, c, 'default/pi')).toEqual([create('pods', 'default', podName), updateStatus('jobs', 'default', 'pi')]);
    await runAll(f);
    await f.converge(c, 'default/pi');
    f.clock.advance(600_000);
    expect(await syncOnce(f, c, 'default/pi')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { newGarbageCollector } from '../../src/controllers/garbage-collector.js';
import { newJobController } from '../../src/controllers/job.js';
import { formatIndexes, jobBackoffMs, parseIndexes } from '../../src/controllers/job-util.js';
import { events, podsOf, setup } from './harness.js';
import { WorkloadKubelet } from './workload-kubelet.js';

function job(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: {
      ...spec,
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox' }] } },
    },
  };
}

async function jobHarness() {
  const kubelet = new WorkloadKubelet();
  const h = await setup({ factories: [newGarbageCollector, newJobController, kubelet.factory] });
  return { ...h, kubelet };
}

const active = (h: { api: any }, jobName: string) =>
  podsOf(h.api, (p) => p.metadata.labels?.['job-name'] === jobName && !p.metadata.deletionTimestamp && p.status?.phase === 'Running');

describe('Job helpers', () => {
  it('formats and parses completed indexes as Kubernetes does', () => {
    expect(formatIndexes([0, 2, 3, 4, 7])).toBe('0,2-4,7');
    expect(parseIndexes('0,2-4,7')).toEqual([0, 2, 3, 4, 7]);
    expect(formatIndexes([])).toBe('');
  });
  it('backs off 10s, 20s, 40s … capped at six minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(jobBackoffMs)).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 360_000, 360_000]);
  });
});

describe('Job controller', () => {
  it('runs completions with parallelism, labels pods, counts successes and completes', async () => {
    const h = await jobHarness();
    const created = await h.api.create(job('pi', { completions: 3, parallelism: 2 }));
    await h.settle();
    const j1 = h.api.get('Job', 'default', 'pi')!;
    expect(j1.spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': created.metadata.uid } });
    let pods = active(h, 'pi');
    expect(pods).toHaveLength(2);
    expect(pods[0].metadata.labels).toMatchObject({
      'batch.kubernetes.io/controller-uid': created.metadata.uid,
      'batch.kubernetes.io/job-name': 'pi',
      'controller-uid': created.metadata.uid,
      'job-name': 'pi',
    });
    expect(pods[0].metadata.finalizers).toContain('batch.kubernetes.io/job-tracking');
    expect(h.api.get('Job', 'default', 'pi')!.status).toMatchObject({ active: 2, ready: 2, startTime: '2026-01-01T00:00:00Z' });
    await h.kubelet.finish(pods[0].metadata.name!, 'Succeeded');
    await h.settle();
    expect(h.api.get('Pod', 'default', pods[0].metadata.name!)!.metadata.finalizers).toBeUndefined();
    expect(h.api.get('Job', 'default', 'pi')!.status).toMatchObject({ active: 2, succeeded: 1 });
    pods = active(h, 'pi');
    for (const p of pods) await h.kubelet.finish(p.metadata.name!, 'Succeeded');
    h.clock.advance(5000);
    await h.settle();
    const st = h.api.get('Job', 'default', 'pi')!.status;
    expect(st!.succeeded).toBe(3);
    expect(st!.active).toBeUndefined();
    expect(st!.completionTime).toBe('2026-01-01T00:00:05Z');
    expect(st!.conditions!.map((c: any) => [c.type, c.status, c.reason])).toEqual([
      ['SuccessCriteriaMet', 'True', 'CompletionsReached'],
      ['Complete', 'True', 'CompletionsReached'],
    ]);
    expect(events(h.api, 'Completed').map((e) => e.message)).toEqual(['Job completed']);
    expect(events(h.api, 'SuccessfulCreate')).toHaveLength(3);
    await h.mgr.stop();
  });

  it('Indexed: one pod per index with env, hostname and annotation; failures back off and hit the backoff limit', async () => {
    const h = await jobHarness();
    await h.api.create(job('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed', backoffLimit: 2 }));
    await h.settle();
    const pods = active(h, 'idx').sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
    expect(pods.map((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'])).toEqual(['0', '1', '2']);
    expect(pods.map((p) => p.spec.hostname)).toEqual(['idx-0', 'idx-1', 'idx-2']);
    expect(pods[0].metadata.name).toMatch(/^idx-0-[a-z0-9]{5}$/);
    expect(pods[1].metadata.labels?.['batch.kubernetes.io/job-completion-index']).toBe('1');
    expect(pods[0].spec.containers[0].env).toContainEqual({
      name: 'JOB_COMPLETION_INDEX',
      valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } },
    });
    await h.kubelet.finish(pods[0].metadata.name!, 'Succeeded');
    await h.kubelet.finish(pods[2].metadata.name!, 'Failed');
    await h.settle();
    let st = h.api.get('Job', 'default', 'idx')!.status;
    expect(st).toMatchObject({ succeeded: 1, failed: 1, completedIndexes: '0', active: 1 });
    // index 2 is retried only after the 10 s back-off
    expect(active(h, 'idx')).toHaveLength(1);
    await h.settle(9_000);
    expect(active(h, 'idx')).toHaveLength(1);
    await h.settle(1_000);
    const retry = active(h, 'idx').find((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'] === '2');
    expect(retry).toBeDefined();
    // second failure: 20 s back-off; third failure exceeds backoffLimit 2
    await h.kubelet.finish(retry!.metadata.name!, 'Failed');
    await h.settle(19_000);
    expect(active(h, 'idx')).toHaveLength(1);
    await h.settle(1_000);
    const retry2 = active(h, 'idx').find((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'] === '2')!;
    await h.kubelet.finish(retry2.metadata.name!, 'Failed');
    await h.settle();
    st = h.api.get('Job', 'default', 'idx')!.status;
    expect(st!.failed).toBe(3);
    expect(st!.conditions!.find((c: any) => c.type === 'Failed')).toMatchObject({
      status: 'True',
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
    });
    expect(active(h, 'idx')).toHaveLength(0); // the index-1 pod was deleted
    expect(events(h.api, 'BackoffLimitExceeded')).toHaveLength(1);
    await h.mgr.stop();
  });

  it('fails with DeadlineExceeded after activeDeadlineSeconds and deletes its pods', async () => {
    const h = await jobHarness();
    await h.api.create(job('slow', { activeDeadlineSeconds: 30 }));
    await h.settle();
    expect(active(h, 'slow')).toHaveLength(1);
    await h.settle(29_000);
    expect(h.api.get('Job', 'default', 'slow')!.status?.conditions).toBeUndefined();
    await h.settle(1_000);
    await h.settle();
    const st = h.api.get('Job', 'default', 'slow')!.status;
    expect(st!.conditions!.find((c: any) => c.type === 'Failed')).toMatchObject({ reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
    expect(st!.failed).toBeUndefined(); // the pod it deleted itself is not a failure
    expect(active(h, 'slow')).toHaveLength(0);
    expect(events(h.api, 'DeadlineExceeded').map((e) => e.message)).toEqual(['Job was active longer than specified deadline']);
    await h.mgr.stop();
  });

  it('suspends (deleting pods) and resumes; deletes the Job ttlSecondsAfterFinished after it finished', async () => {
    const h = await jobHarness();
    await h.api.create(job('batch', { suspend: true, ttlSecondsAfterFinished: 60 }));
    await h.settle();
    expect(active(h, 'batch')).toHaveLength(0);
    expect(h.api.get('Job', 'default', 'batch')!.status?.conditions?.[0]).toMatchObject({ type: 'Suspended', status: 'True', reason: 'JobSuspended' });
    await h.api.modify('Job', 'default', 'batch', (j) => {
      j.spec.suspend = false;
    });
    await h.settle();
    expect(h.api.get('Job', 'default', 'batch')!.status?.conditions?.[0]).toMatchObject({ type: 'Suspended', status: 'False', reason: 'JobResumed' });
    const [p] = active(h, 'batch');
    await h.kubelet.finish(p.metadata.name!, 'Succeeded');
    await h.settle();
    expect(h.api.get('Job', 'default', 'batch')).toBeDefined();
    await h.settle(59_000);
    expect(h.api.get('Job', 'default', 'batch')).toBeDefined();
    await h.settle(1_000);
    await h.settle();
    expect(h.api.get('Job', 'default', 'batch')).toBeUndefined();
    expect(podsOf(h.api, (x) => x.metadata.labels?.['job-name'] === 'batch')).toHaveLength(0);
    expect(events(h.api, 'Suspended').map((e) => e.message)).toEqual(['Job suspended']);
    expect(events(h.api, 'Resumed').map((e) => e.message)).toEqual(['Job resumed']);
    await h.mgr.stop();
  });

  it('deleting a running Job in the background does not leave pods stuck on the tracking finalizer', async () => {
    const h = await jobHarness();
    await h.api.create(job('gone', { parallelism: 2, completions: 4 }));
    await h.settle();
    expect(active(h, 'gone')).toHaveLength(2);
    await h.api.delete('Job', 'default', 'gone', { propagationPolicy: 'Background' });
    await h.settle();
    await h.settle();
    expect(podsOf(h.api, (p) => p.metadata.labels?.['job-name'] === 'gone')).toEqual([]);
    await h.mgr.stop();
  });

  it('podFailurePolicy: Ignore does not count a failure; FailJob fails the Job at once with the rule in the message', async () => {
    const h = await jobHarness();
    const j = job('policy', { completions: 1, backoffLimit: 6 });
    j.spec.podFailurePolicy = {
      rules: [
        { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
        { action: 'FailJob', onExitCodes: { containerName: 'work', operator: 'In', values: [42] } },
      ],
    };
    await h.api.create(j);
    await h.settle();
    const [p1] = active(h, 'policy');
    await h.api.modify('Pod', 'default', p1.metadata.name!, (p) => {
      p.status = { phase: 'Failed', conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' }] };
    }, { status: true });
    await h.settle();
    expect(h.api.get('Job', 'default', 'policy')!.status?.failed).toBeUndefined();
    const [p2] = active(h, 'policy');
    expect(p2.metadata.name).not.toBe(p1.metadata.name);
    await h.api.modify('Pod', 'default', p2.metadata.name!, (p) => {
      p.status = { phase: 'Failed', containerStatuses: [{ name: 'work', state: { terminated: { exitCode: 42 } } }] };
    }, { status: true });
    await h.settle();
    const st = h.api.get('Job', 'default', 'policy')!.status;
    const msg = `Container work for pod default/${p2.metadata.name} failed with exit code 42 matching FailJob rule at index 1`;
    expect(st!.failed).toBe(1);
    expect(st!.conditions!.find((c: any) => c.type === 'Failed')).toMatchObject({ status: 'True', reason: 'PodFailurePolicy', message: msg });
    expect(events(h.api, 'PodFailurePolicy').map((e) => e.message)).toEqual([msg]);
    await h.mgr.stop();
  });
});

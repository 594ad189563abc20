import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { podSummary, restartsText, statusTone } from '../../components/logic/pod-status.js';
import { ago, MIN, pod, T0 } from './fixtures.js';

function withStatus(status: Record<string, unknown>, spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', ...meta },
    spec: { containers: [{ name: 'a' }], ...spec },
    status,
  };
}

const cs = (state: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ name: 'a', ready: false, restartCount: 0, image: '', imageID: '', state, ...extra });

describe('pod STATUS as kubectl computes it', () => {
  const cases: [string, KubeObject, string][] = [
    ['running', pod('a'), 'Running'],
    ['pending without statuses', withStatus({ phase: 'Pending' }), 'Pending'],
    ['container creating', withStatus({ phase: 'Pending', containerStatuses: [cs({ waiting: { reason: 'ContainerCreating' } })] }), 'ContainerCreating'],
    ['crash loop', withStatus({ phase: 'Running', containerStatuses: [cs({ waiting: { reason: 'CrashLoopBackOff' } }, { restartCount: 4 })] }), 'CrashLoopBackOff'],
    ['image pull error', withStatus({ phase: 'Pending', containerStatuses: [cs({ waiting: { reason: 'ErrImagePull' } })] }), 'ErrImagePull'],
    ['completed', withStatus({ phase: 'Succeeded', containerStatuses: [cs({ terminated: { exitCode: 0, reason: 'Completed' } })] }), 'Completed'],
    ['error exit', withStatus({ phase: 'Failed', containerStatuses: [cs({ terminated: { exitCode: 1, reason: 'Error' } })] }), 'Error'],
    ['exit code without reason', withStatus({ phase: 'Failed', containerStatuses: [cs({ terminated: { exitCode: 137 } })] }), 'ExitCode:137'],
    ['signal without reason', withStatus({ phase: 'Failed', containerStatuses: [cs({ terminated: { exitCode: 0, signal: 9 } })] }), 'Signal:9'],
    ['pod reason wins over phase', withStatus({ phase: 'Failed', reason: 'Evicted' }), 'Evicted'],
    ['terminating', pod('a', { deleting: true }), 'Terminating'],
    ['terminal pods are not Terminating', withStatus({ phase: 'Succeeded', containerStatuses: [cs({ terminated: { exitCode: 0, reason: 'Completed' } })] }, {}, { deletionTimestamp: ago(0) }), 'Completed'],
    [
      'init container running',
      withStatus({ phase: 'Pending', initContainerStatuses: [cs({ running: {} })] }, { initContainers: [{ name: 'a' }, { name: 'b' }] }),
      'Init:0/2',
    ],
    [
      'init container crash',
      withStatus({ phase: 'Pending', initContainerStatuses: [cs({ waiting: { reason: 'CrashLoopBackOff' } })] }, { initContainers: [{ name: 'a' }] }),
      'Init:CrashLoopBackOff',
    ],
    [
      'init container failed',
      withStatus({ phase: 'Pending', initContainerStatuses: [cs({ terminated: { exitCode: 2 } })] }, { initContainers: [{ name: 'a' }] }),
      'Init:ExitCode:2',
    ],
    [
      'completed container while another runs is NotReady',
      withStatus(
        { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [cs({ terminated: { exitCode: 0, reason: 'Completed' } }), { ...cs({ running: {} }, { ready: true }), name: 'b' }] },
        { containers: [{ name: 'a' }, { name: 'b' }] },
      ),
      'NotReady',
    ],
  ];
  it.each(cases)('%s', (_name, obj, want) => {
    expect(podSummary(obj).status).toBe(want);
  });

  it('counts READY as ready running containers over all containers (sidecars included)', () => {
    const p = withStatus(
      {
        phase: 'Running',
        containerStatuses: [cs({ running: {} }, { ready: true }), { ...cs({ running: {} }, { ready: false }), name: 'b' }],
        initContainerStatuses: [{ ...cs({ running: {} }, { ready: true, started: true }), name: 'side' }],
      },
      { containers: [{ name: 'a' }, { name: 'b' }], initContainers: [{ name: 'side', restartPolicy: 'Always' }] },
    );
    const s = podSummary(p);
    expect([s.ready, s.total]).toEqual([2, 3]);
  });

  it('prints RESTARTS with the time of the last restart', () => {
    const s = podSummary(pod('a', { restarts: 3 }));
    expect(restartsText(s, T0)).toBe('3 (2m ago)');
    expect(restartsText(podSummary(pod('b')), T0)).toBe('0');
    expect(restartsText(s, T0 + 10 * MIN)).toBe('3 (12m ago)');
  });

  it.each([
    ['Running', 'ok'],
    ['Pending', 'warn'],
    ['ContainerCreating', 'warn'],
    ['CrashLoopBackOff', 'error'],
    ['Failed', 'error'],
    ['Error', 'error'],
    ['ExitCode:1', 'error'],
    ['Terminating', 'gone'],
    ['Completed', 'done'],
    ['Init:0/1', 'warn'],
  ])('colours %s as %s', (status, tone) => {
    expect(statusTone(status)).toBe(tone);
  });
});

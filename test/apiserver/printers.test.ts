// The server-side table printers as pure functions: kubectl's pod STATUS
// logic, age formatting, and the cells of the other kinds.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { PRINTERS, buildTable, humanDuration, podStatusCells, printerFor } from '../../src/apiserver/printers/index.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

function pod(status: Record<string, unknown>, spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', creationTimestamp: ago(30), ...meta },
    spec: { containers: [{ name: 'c', image: 'i' }], ...spec },
    status,
  } as KubeObject;
}

describe('humanDuration (duration.HumanDuration)', () => {
  it.each([
    [0, '0s'],
    [-1500, '0s'],
    [-3000, '<invalid>'],
    [119_000, '119s'],
    [120_000, '2m'],
    [125_000, '2m5s'],
    [10 * 60_000, '10m'],
    [179 * 60_000, '179m'],
    [3 * 3600_000 + 5 * 60_000, '3h5m'],
    [8 * 3600_000, '8h'],
    [47 * 3600_000, '47h'],
    [50 * 3600_000, '2d2h'],
    [9 * 86400_000, '9d'],
    [800 * 86400_000, '2y70d'],
    [9 * 365 * 86400_000, '9y'],
  ])('%d ms → %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('pod STATUS as kubectl computes it', () => {
  it('Pending before any container status', () => {
    expect(podStatusCells(pod({ phase: 'Pending' }), NOW)).toEqual({ ready: '0/1', reason: 'Pending', restarts: '0' });
  });

  it('ContainerCreating and CrashLoopBackOff come from the waiting reason', () => {
    const waiting = (reason: string, restartCount = 0) =>
      pod({ phase: 'Pending', containerStatuses: [{ name: 'c', ready: false, restartCount, state: { waiting: { reason } } }] });
    expect(podStatusCells(waiting('ContainerCreating'), NOW).reason).toBe('ContainerCreating');
    const crash = pod({
      phase: 'Running',
      containerStatuses: [{ name: 'c', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(65) } } }],
    });
    expect(podStatusCells(crash, NOW)).toEqual({ ready: '0/1', reason: 'CrashLoopBackOff', restarts: '4 (65s ago)' });
  });

  it('Running and ready counts only ready running containers', () => {
    const p = pod(
      {
        phase: 'Running',
        containerStatuses: [
          { name: 'a', ready: true, state: { running: {} } },
          { name: 'b', ready: false, state: { running: {} } },
        ],
      },
      { containers: [{ name: 'a' }, { name: 'b' }] },
    );
    expect(podStatusCells(p, NOW)).toEqual({ ready: '1/2', reason: 'Running', restarts: '0' });
  });

  it('Completed, and Error/ExitCode/Signal for terminated containers', () => {
    const term = (t: Record<string, unknown>, phase = 'Succeeded') => pod({ phase, containerStatuses: [{ name: 'c', state: { terminated: t } }] });
    expect(podStatusCells(term({ reason: 'Completed', exitCode: 0 }), NOW).reason).toBe('Completed');
    expect(podStatusCells(term({ reason: 'Error', exitCode: 1 }, 'Failed'), NOW).reason).toBe('Error');
    expect(podStatusCells(term({ exitCode: 3 }, 'Failed'), NOW).reason).toBe('ExitCode:3');
    expect(podStatusCells(term({ exitCode: 0, signal: 9 }, 'Failed'), NOW).reason).toBe('Signal:9');
  });

  it('Completed with a still-running container reads Running or NotReady', () => {
    const p = (ready: boolean) =>
      pod(
        {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
          containerStatuses: [
            { name: 'a', ready: true, state: { running: {} } },
            { name: 'b', ready: false, state: { terminated: { reason: 'Completed', exitCode: 0 } } },
          ],
        },
        { containers: [{ name: 'a' }, { name: 'b' }] },
      );
    expect(podStatusCells(p(true), NOW).reason).toBe('Running');
    expect(podStatusCells(p(false), NOW).reason).toBe('NotReady');
  });

  it('Init:N/M, Init:<reason> and Init:ExitCode for init containers', () => {
    const spec = { initContainers: [{ name: 'i1' }, { name: 'i2' }] };
    const init = (statuses: unknown[]) => pod({ phase: 'Pending', initContainerStatuses: statuses }, spec);
    expect(podStatusCells(init([{ name: 'i1', state: { running: {} } }, { name: 'i2', state: { waiting: { reason: 'PodInitializing' } } }]), NOW).reason).toBe('Init:0/2');
    expect(podStatusCells(init([{ name: 'i1', state: { terminated: { exitCode: 0 } } }, { name: 'i2', state: { running: {} } }]), NOW).reason).toBe('Init:1/2');
    expect(podStatusCells(init([{ name: 'i1', state: { waiting: { reason: 'ImagePullBackOff' } } }]), NOW).reason).toBe('Init:ImagePullBackOff');
    expect(podStatusCells(init([{ name: 'i1', restartCount: 2, state: { terminated: { exitCode: 2 } } }]), NOW)).toMatchObject({ reason: 'Init:ExitCode:2', restarts: '2' });
  });

  it('native sidecars (restartable init containers) count toward READY', () => {
    const p = pod(
      {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }],
        initContainerStatuses: [{ name: 'side', started: true, ready: true, state: { running: {} } }],
        containerStatuses: [{ name: 'c', ready: true, state: { running: {} } }],
      },
      { initContainers: [{ name: 'side', restartPolicy: 'Always' }] },
    );
    expect(podStatusCells(p, NOW)).toEqual({ ready: '2/2', reason: 'Running', restarts: '0' });
  });

  it('Terminating while deletionTimestamp is set and the pod is not terminal', () => {
    expect(podStatusCells(pod({ phase: 'Running' }, {}, { deletionTimestamp: ago(1) }), NOW).reason).toBe('Terminating');
    expect(podStatusCells(pod({ phase: 'Succeeded' }, {}, { deletionTimestamp: ago(1) }), NOW).reason).toBe('Succeeded');
  });

  it('SchedulingGated and status.reason (Evicted) take precedence over the phase', () => {
    expect(podStatusCells(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', reason: 'SchedulingGated' }] }), NOW).reason).toBe('SchedulingGated');
    expect(podStatusCells(pod({ phase: 'Failed', reason: 'Evicted' }), NOW).reason).toBe('Evicted');
  });
});

describe('other printers', () => {
  const cells = (kind: string, obj: Record<string, unknown>) =>
    printerFor(kind).cells({ apiVersion: 'v1', kind, metadata: { name: 'x', creationTimestamp: ago(5) }, ...obj } as KubeObject, NOW);

  it('deployments: READY UP-TO-DATE AVAILABLE AGE CONTAINERS IMAGES SELECTOR', () => {
    expect(
      cells('Deployment', {
        spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'a', image: 'ia' }, { name: 'b', image: 'ib' }] } } },
        status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
      }),
    ).toEqual(['x', '2/3', 3, 2, '5s', 'a,b', 'ia,ib', 'app=web']);
  });

  it('services: type, cluster IP, external IP and ports by type', () => {
    expect(cells('Service', { spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }], selector: { k: 'v' } } })).toEqual([
      'x', 'ClusterIP', '10.96.0.10', '<none>', '53/UDP,53/TCP', '5s', 'k=v',
    ]);
    expect(cells('Service', { spec: { type: 'NodePort', clusterIP: '10.0.0.1', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] } }).slice(3, 5)).toEqual(['<none>', '80:30080/TCP']);
    expect(cells('Service', { spec: { type: 'LoadBalancer', clusterIP: '10.0.0.1', ports: [] } }).slice(3, 5)).toEqual(['<pending>', '<none>']);
    expect(cells('Service', { spec: { type: 'LoadBalancer', clusterIP: '10.0.0.1' }, status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } } })[3]).toBe('127.0.0.1');
  });

  it('nodes: status with SchedulingDisabled, roles from labels', () => {
    const row = printerFor('Node').cells(
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'n1', creationTimestamp: ago(5), labels: { 'node-role.kubernetes.io/control-plane': '' } },
        spec: { unschedulable: true },
        status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.32.0' }, addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] },
      } as KubeObject,
      NOW,
    );
    expect(row.slice(0, 6)).toEqual(['n1', 'Ready,SchedulingDisabled', 'control-plane', '5s', 'v1.32.0', '127.0.0.1']);
  });

  it('jobs: status, completions and duration', () => {
    expect(
      cells('Job', {
        spec: { completions: 3, template: { spec: { containers: [{ name: 'j', image: 'busybox' }] } } },
        status: { succeeded: 3, startTime: ago(100), completionTime: ago(40), conditions: [{ type: 'Complete', status: 'True' }] },
      }).slice(0, 5),
    ).toEqual(['x', 'Complete', '3/3', '60s', '5s']);
    expect(cells('Job', { spec: { parallelism: 2 }, status: { startTime: ago(10) } }).slice(1, 4)).toEqual(['Running', '0/1 of 2', '10s']);
  });

  it('cronjobs, configmaps, secrets, namespaces, events, hpa, pvc', () => {
    expect(cells('CronJob', { spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { containers: [] } } } } }, status: { lastScheduleTime: ago(30) } }).slice(0, 6)).toEqual([
      'x', '*/5 * * * *', '<none>', false, 0, '30s',
    ]);
    expect(cells('ConfigMap', { data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } })).toEqual(['x', 3, '5s']);
    expect(cells('Secret', { type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } })).toEqual(['x', 'kubernetes.io/tls', 2, '5s']);
    expect(cells('Namespace', { status: { phase: 'Terminating' } })).toEqual(['x', 'Terminating', '5s']);
    expect(
      cells('Event', { type: 'Warning', reason: 'BackOff', message: ' Back-off restarting ', involvedObject: { kind: 'Pod', name: 'web-1' }, lastTimestamp: ago(3), firstTimestamp: ago(9), count: 4, source: { component: 'kubelet', host: 'n1' } }),
    ).toEqual(['3s', 'Warning', 'BackOff', 'pod/web-1', '', 'kubelet, n1', 'Back-off restarting', '9s', 4, 'x']);
    expect(
      cells('HorizontalPodAutoscaler', {
        spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
        status: { currentReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 12 } } }] },
      }),
    ).toEqual(['x', 'Deployment/web', 'cpu: 12%/50%', '1', 5, 2, '5s']);
    expect(cells('PersistentVolumeClaim', { spec: { volumeName: 'pv1', storageClassName: 'standard' }, status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } }).slice(0, 7)).toEqual([
      'x', 'Bound', 'pv1', '1Gi', 'RWO', 'standard', '<unset>',
    ]);
  });

  it('every printer has a name column first (format name) and one cell per column', () => {
    for (const [kind, p] of Object.entries(PRINTERS)) {
      const row = p.cells({ apiVersion: 'v1', kind, metadata: { name: 'n', creationTimestamp: ago(1) } } as KubeObject, NOW);
      expect([kind, row.length]).toEqual([kind, p.columns.length]);
      if (kind !== 'Event') expect([kind, p.columns[0].format]).toEqual([kind, 'name']);
    }
    const t = buildTable('Widget', [{ apiVersion: 'v1', kind: 'Widget', metadata: { name: 'w', creationTimestamp: ago(2) } } as KubeObject], { now: NOW, include: 'None' });
    expect(t.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Age']);
    expect(t.rows).toEqual([{ cells: ['w', '2s'] }]);
  });
});

describe('supporting kinds', () => {
  const row = (kind: string, obj: Record<string, unknown>) =>
    printerFor(kind).cells({ apiVersion: 'v1', kind, metadata: { name: 'x', creationTimestamp: ago(5) }, ...obj } as KubeObject, NOW);

  it('endpoints list ip:port pairs, three at most', () => {
    expect(row('Endpoints', {})).toEqual(['x', '<none>', '5s']);
    const subsets = [{ addresses: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'].map((ip) => ({ ip })), ports: [{ port: 80 }] }];
    expect(row('Endpoints', { subsets })[1]).toBe('10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...');
  });

  it('storage classes mark the default; controller revisions name their owner', () => {
    const sc = printerFor('StorageClass').cells(
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard', creationTimestamp: ago(5), annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'rancher.io/local-path' } as KubeObject,
      NOW,
    );
    expect(sc).toEqual(['standard (default)', 'rancher.io/local-path', 'Delete', 'Immediate', false, '5s']);
    const cr = printerFor('ControllerRevision').cells(
      { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'ds-1', creationTimestamp: ago(5), ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ds', uid: 'u', controller: true }] }, revision: 2 } as KubeObject,
      NOW,
    );
    expect(cr).toEqual(['ds-1', 'daemonset.apps/ds', 2, '5s']);
  });

  it('network policies show their pod selector; leases their holder', () => {
    expect(row('NetworkPolicy', { spec: { podSelector: {} } })).toEqual(['x', '<none>', '5s']);
    expect(row('NetworkPolicy', { spec: { podSelector: { matchLabels: { app: 'db' } } } })[1]).toBe('app=db');
    expect(row('Lease', { spec: { holderIdentity: 'node-1' } })).toEqual(['x', 'node-1', '5s']);
  });
});

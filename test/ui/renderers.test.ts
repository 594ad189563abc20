import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { defaultRenderers, rendererFor } from '../../components/render/index.js';
import { KINDS } from '../../src/api/kinds.js';
import { ago, deployment, event, HOUR, MIN, node, pod, replicaSet, service, T0 } from './fixtures.js';

const reg = defaultRenderers();
const row = (obj: KubeObject) => rendererFor(reg, obj.kind).row(obj, T0);
const cols = (kind: string) => rendererFor(reg, kind).columns.map((c) => c.name);

describe('renderers print what kubectl get prints', () => {
  it('has a renderer for every view the UI offers', () => {
    for (const kind of ['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Service', 'Ingress', 'ConfigMap', 'Secret', 'PersistentVolumeClaim', 'Namespace', 'Event', 'HorizontalPodAutoscaler', 'Node'])
      expect(reg.has(kind), kind).toBe(true);
    // every renderer's row has one cell per column
    for (const k of KINDS) {
      const r = rendererFor(reg, k.kind);
      const obj = { apiVersion: 'v1', kind: k.kind, metadata: { name: 'x', creationTimestamp: ago(HOUR) }, spec: {}, status: {} } as KubeObject;
      expect(r.row(obj, T0).length, k.kind).toBe(r.columns.length);
    }
  });

  it.each([
    ['Pod', ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE']],
    ['Deployment', ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']],
    ['ReplicaSet', ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']],
    ['Node', ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']],
    ['Service', ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']],
    ['Event', ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']],
    ['StatefulSet', ['NAME', 'READY', 'AGE']],
    ['DaemonSet', ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE']],
    ['Job', ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']],
    ['CronJob', ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE']],
    ['Ingress', ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE']],
    ['ConfigMap', ['NAME', 'DATA', 'AGE']],
    ['Secret', ['NAME', 'TYPE', 'DATA', 'AGE']],
    ['Namespace', ['NAME', 'STATUS', 'AGE']],
    ['HorizontalPodAutoscaler', ['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE']],
  ])('%s columns', (kind, want) => {
    expect(cols(kind)).toEqual(want);
  });

  it('pods: ready, status, restarts, age, ip, node', () => {
    expect(row(pod('web-1', { restarts: 2, created: 3 * HOUR + 12 * MIN }))).toEqual(['web-1', '1/1', 'Running', '2 (2m ago)', '3h12m', '10.244.0.5', 'node-1']);
    expect(row(pod('web-2', { waiting: 'CrashLoopBackOff', restarts: 5 }))[2]).toBe('CrashLoopBackOff');
    const unscheduled = pod('p', { phase: 'Pending' });
    delete (unscheduled.spec as Record<string, unknown>).nodeName;
    delete (unscheduled.status as Record<string, unknown>).podIP;
    expect(row(unscheduled).slice(5)).toEqual(['<none>', '<none>']);
  });

  it('deployments: READY ready/desired', () => {
    expect(row(deployment('web', { replicas: 3, ready: 1 }))).toEqual(['web', '1/3', '3', '1', '120m']);
  });

  it('replicasets', () => {
    expect(row(replicaSet(deployment('web'), 2, 'nginx:1', 2))).toEqual(['web-2abc', '2', '2', '2', '8h']);
  });

  it('nodes: SchedulingDisabled when cordoned, roles from labels', () => {
    expect(row(node('n1', { roles: ['control-plane'] }))).toEqual(['n1', 'Ready', 'control-plane', '3d', 'v1.31.0-kubeterm']);
    expect(row(node('n2', { unschedulable: true }))[1]).toBe('Ready,SchedulingDisabled');
    expect(row(node('n3', { ready: false }))[1]).toBe('NotReady');
    expect(row(node('n3'))[2]).toBe('<none>');
  });

  it('services: ports with node ports, pending load balancers', () => {
    expect(row(service('web'))).toEqual(['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP', '60m']);
    expect(row(service('np', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }, { port: 443, nodePort: 30443 }] }))[4]).toBe('80:30080/TCP,443:30443/TCP');
    expect(row(service('lb', { type: 'LoadBalancer' }))[3]).toBe('<pending>');
  });

  it('events: object as kind/name, newest first by default', () => {
    const p = pod('web-1');
    expect(row(event(p, 'BackOff', 'Back-off restarting failed container', { type: 'Warning', seen: 30_000 }))).toEqual([
      '30s',
      'Warning',
      'BackOff',
      'pod/web-1',
      'Back-off restarting failed container',
    ]);
    expect(rendererFor(reg, 'Event').defaultSort).toEqual({ column: 'LAST SEEN', asc: true });
  });

  it('jobs: status, completions and duration', () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'pi', namespace: 'default', creationTimestamp: ago(10 * MIN) },
      spec: { completions: 3 },
      status: { succeeded: 3, startTime: ago(10 * MIN), completionTime: ago(8 * MIN), conditions: [{ type: 'Complete', status: 'True' }] },
    } as KubeObject;
    expect(row(job)).toEqual(['pi', 'Complete', '3/3', '2m', '10m']);
  });

  it('colours rows by status', () => {
    const r = rendererFor(reg, 'Pod');
    expect(r.color(pod('a'))).toBe('ok');
    expect(r.color(pod('a', { phase: 'Pending' }))).toBe('warn');
    expect(r.color(pod('a', { waiting: 'CrashLoopBackOff' }))).toBe('error');
    expect(r.color(pod('a', { deleting: true }))).toBe('gone');
  });
});

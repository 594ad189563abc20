// Every resource view renders rows from seeded objects with kubectl's columns,
// plus the smaller per-kind actions and the live panes.
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { FakeClusterClient, withMetrics } from './fake-client.js';
import { ago, deployment, event, HOUR, MIN, node, pod } from './fixtures.js';
import { KEYS, mount, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(() => {
  h?.unmount();
  h = undefined;
});

const meta = (name: string, ns = 'default') => ({ name, namespace: ns, creationTimestamp: ago(HOUR), uid: `uid-${name}` });

const OBJECTS: KubeObject[] = [
  { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('db'), spec: { replicas: 3, selector: { matchLabels: { app: 'db' } }, template: { spec: { containers: [] } } }, status: { replicas: 3, readyReplicas: 2 } },
  {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: meta('agent'),
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { spec: { containers: [], nodeSelector: { 'kubernetes.io/os': 'linux' } } } },
    status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 2, numberMisscheduled: 0, updatedNumberScheduled: 2, numberAvailable: 2 },
  },
  { apiVersion: 'batch/v1', kind: 'Job', metadata: meta('migrate'), spec: { completions: 1, template: { spec: { containers: [] } } }, status: { active: 1, startTime: ago(MIN) } },
  { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('nightly'), spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { containers: [] } } } } }, status: {} },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta('web'),
    spec: { ingressClassName: 'kubeterm', rules: [{ host: 'web.local', http: { paths: [] } }] },
    status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } },
  },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('settings'), data: { a: '1', b: '2' } },
  { apiVersion: 'v1', kind: 'Secret', metadata: meta('creds'), type: 'Opaque', data: { password: 'aHVudGVyMg==' } },
  {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: meta('data'),
    spec: { storageClassName: 'standard', volumeName: 'pv-1', accessModes: ['ReadWriteOnce'] },
    status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] },
  },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', creationTimestamp: ago(HOUR) }, status: { phase: 'Active' } },
  {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: meta('web'),
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] },
    status: { currentReplicas: 2, desiredReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45 } } }] },
  },
];

describe('every resource view', () => {
  it.each([
    ['sts', /NAME\s+READY\s+AGE/, /db\s+2\/3\s+60m/],
    ['ds', /NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE/, /agent\s+2\s+2\s+2\s+2\s+2\s+kubernetes\.io\/os=linux\s+60m/],
    ['jobs', /NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE/, /migrate\s+Running\s+0\/1\s+60s\s+60m/],
    ['cj', /NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE/, /nightly\s+0 3 \* \* \*\s+<none>\s+False\s+0\s+<none>\s+60m/],
    ['ing', /NAME\s+CLASS\s+HOSTS\s+ADDRESS\s+PORTS\s+AGE/, /web\s+kubeterm\s+web\.local\s+127\.0\.0\.1\s+80\s+60m/],
    ['cm', /NAME\s+DATA\s+AGE/, /settings\s+2\s+60m/],
    ['secrets', /NAME\s+TYPE\s+DATA\s+AGE/, /creds\s+Opaque\s+1\s+60m/],
    ['pvc', /NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS/, /data\s+Bound\s+pv-1\s+1Gi\s+RWO\s+standard/],
    ['ns', /NAME\s+STATUS\s+AGE/, /team-a\s+Active\s+60m/],
    ['hpa', /NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE/, /web\s+Deployment\/web\s+cpu: 45%\/80%\s+1\s+5\s+2\s+60m/],
  ])(':%s', async (cmd, header, row) => {
    h = await mount(new FakeClusterClient(OBJECTS), { size: { columns: 160, rows: 40 } });
    const f = await h.type(`:${cmd} default`, KEYS.enter);
    expect(f).toMatch(header);
    expect(f).toMatch(row);
  });

  it('t triggers a cronjob after confirmation', async () => {
    const c = new FakeClusterClient(OBJECTS);
    h = await mount(c, { initialView: 'cronjobs' });
    const f = await h.type('t');
    expect(f).toContain('Trigger cronjob default/nightly?');
    await h.type('y');
    expect(c.callsTo('triggerCronJob')).toEqual([['default', 'nightly']]);
    expect(await h.flush()).toContain('job.batch/nightly-manual-1 created');
  });

  it('s scales a statefulset; r restarts it after confirmation', async () => {
    const c = new FakeClusterClient(OBJECTS);
    h = await mount(c, { initialView: 'sts' });
    await h.type('s', KEYS.backspace, '1', KEYS.enter);
    expect(c.callsTo('scale')).toEqual([['StatefulSet', 'default', 'db', 1]]);
    await h.type('r', 'y');
    expect(c.callsTo('restart')).toEqual([['StatefulSet', 'default', 'db']]);
  });

  it('enter on a cronjob lists the jobs it owns; on a namespace its pods', async () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { ...meta('nightly-1'), ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: 'uid-nightly', controller: true }] }, spec: {}, status: {} };
    h = await mount(new FakeClusterClient([...OBJECTS, job, pod('x-1', { ns: 'team-a' }), pod('y-1')]), { initialView: 'cj' });
    let f = await h.type(KEYS.enter);
    expect(f).toContain('Jobs(default)[cronjob/nightly][1]');
    expect(f).toContain('nightly-1');
    f = await h.type(':ns', KEYS.enter, KEYS.enter);
    expect(f).toContain('Pods(team-a)[1]');
    expect(f).toContain('x-1');
  });

  it('the events pane shows the newest events live, warnings included', async () => {
    const c = new FakeClusterClient([pod('web-1')]);
    h = await mount(c);
    expect(h.frame()).toContain('no events');
    c.put(event(pod('web-1'), 'Scheduled', 'Successfully assigned default/web-1 to node-1', { seen: 5 * MIN }));
    c.put(event(pod('web-1'), 'Unhealthy', 'Readiness probe failed', { type: 'Warning', seen: 20_000 }));
    const f = await h.flush();
    const lines = f.split('\n');
    const unhealthy = lines.findIndex((l) => l.includes('Unhealthy'));
    const scheduled = lines.findIndex((l) => l.includes('Scheduled'));
    expect(unhealthy).toBeGreaterThan(0);
    expect(unhealthy).toBeLessThan(scheduled);
    expect(lines[unhealthy]).toMatch(/20s\s+Warning\s+Unhealthy\s+pod\/web-1\s+Readiness probe failed/);
    expect(await h.type('E')).not.toContain('Unhealthy');
  });

  it('reflows when the terminal is resized', async () => {
    const c = new FakeClusterClient([pod('web-1')]);
    const { render } = await import('ink-testing-library');
    const { App } = await import('../../components/index.js');
    const { FakeClock } = await import('../../src/util/clock.js');
    const inst = render(<App client={c} version="v" clock={new FakeClock()} />);
    await new Promise((r) => setImmediate(r));
    expect(inst.lastFrame()).toMatch(/\bNODE\b/);
    Object.defineProperty(inst.stdout, 'columns', { get: () => 50 });
    inst.stdout.emit('resize');
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    const f = inst.lastFrame() ?? '';
    expect(f).not.toMatch(/\bNODE\b/);
    for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(50);
    inst.unmount();
  });

  it('describe of a pod shows CPU/memory sparklines when metrics exist', async () => {
    const c = withMetrics(new FakeClusterClient([node('node-1'), pod('web-1')]), [{ name: 'node-1', cpu: 1, memory: 2 ** 30, timestamp: '' }], [
      { namespace: 'default', name: 'web-1', cpu: 0.25, memory: 128 * 2 ** 20, containers: [], timestamp: '' },
    ]);
    h = await mount(c);
    h.clock.advance(5000); // a second sample
    const f = await h.type('d');
    expect(f).toMatch(/CPU:\s+250m\s+[▁▂▃▄▅▆▇█]{2}/);
    expect(f).toMatch(/MEM:\s+128Mi\s+[▁▂▃▄▅▆▇█]{2}/);
  });

  it(':help lists the keys of the view it was opened from; esc returns', async () => {
    h = await mount(new FakeClusterClient([node('node-1')]), { initialView: 'nodes' });
    let f = await h.type(':help', KEYS.enter);
    expect(f).toMatch(/<c>\s+Cordon/);
    expect(f).toMatch(/<shift-d>\s+Drain/);
    f = await h.type(KEYS.esc);
    expect(f).toContain('Nodes(all)[1]');
  });

  it('page down moves a screen at a time', async () => {
    h = await mount(new FakeClusterClient(Array.from({ length: 100 }, (_, i) => pod(`p-${String(i).padStart(3, '0')}`))));
    const f = await h.type(KEYS.pageDown);
    expect(f).not.toContain('p-000');
    expect(await h.type(KEYS.pageUp)).toContain('p-000');
  });

  it('deployments turn yellow-tone while not all replicas are ready (row tone drives colour)', async () => {
    // Colours are not in the test frame; the tone is checked through the renderer registry.
    const { defaultRenderers, rendererFor } = await import('../../components/render/index.js');
    const r = rendererFor(defaultRenderers(), 'Deployment');
    expect(r.color(deployment('a', { replicas: 3, ready: 1 }))).toBe('warn');
    expect(r.color(deployment('a', { replicas: 3 }))).toBe('ok');
  });
});

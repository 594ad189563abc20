import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { FakeClusterClient, withMetrics } from './fake-client.js';
import { deployment, event, HOUR, MIN, node, pod, replicaSet, service, ago } from './fixtures.js';
import { KEYS, mount, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(() => {
  h?.unmount();
  h = undefined;
});

const rowOf = (frame: string, name: string) => frame.split('\n').find((l) => l.includes(` ${name} `) || l.trimEnd().endsWith(` ${name}`)) ?? '';

function cluster(extra: KubeObject[] = []): FakeClusterClient {
  const web = deployment('web', { replicas: 2, revision: 3, image: 'nginx:1.27' });
  return new FakeClusterClient([
    node('node-1', { roles: ['control-plane'] }),
    node('node-2'),
    web,
    replicaSet(web, 1, 'nginx:1.25'),
    replicaSet(web, 2, 'nginx:1.26'),
    replicaSet(web, 3, 'nginx:1.27', 2),
    pod('web-1', { labels: { app: 'web' }, owner: { kind: 'ReplicaSet', name: 'web-3abc', uid: 'uid-rs-web-3abc' } }),
    pod('web-2', { labels: { app: 'web' }, node: 'node-2', owner: { kind: 'ReplicaSet', name: 'web-3abc', uid: 'uid-rs-web-3abc' } }),
    pod('api-1', { labels: { app: 'api' }, waiting: 'CrashLoopBackOff', restarts: 4 }),
    pod('dns-1', { ns: 'kube-system', labels: { app: 'dns' } }),
    service('web'),
    ...extra,
  ]);
}

describe('header', () => {
  it('names the context, the runtime loudly, nodes, pods by phase and the version', async () => {
    h = await mount(cluster([pod('pending-1', { phase: 'Pending' })]));
    const f = h.frame();
    expect(f).toContain('Context: kubeterm (embedded)');
    expect(f).toContain('SIMULATED');
    expect(f).toMatch(/Nodes:\s+2/);
    expect(f).toContain('4 Running');
    expect(f).toContain('1 Pending');
    expect(f).toContain('kubeterm v0.1.0');
    expect(f).toContain('<ctrl-d>');
  });

  it('shows the folder sync state and follows onChange', async () => {
    let listener: (() => void) | undefined;
    let status = { folder: './gitops', phase: 'Synced', lastSyncTime: ago(3000), errors: [] as { message: string }[] };
    const sync = { status: () => status, onChange: (cb: () => void) => ((listener = cb), () => (listener = undefined)) };
    h = await mount(cluster(), { sync });
    expect(h.frame()).toMatch(/Folder:\s+\.\/gitops Synced 3s ago/);
    status = { ...status, phase: 'Failed', errors: [{ message: 'bad yaml' }] };
    listener?.();
    expect(await h.flush()).toContain('Failed');
    expect(h.frame()).toContain('1 error: bad yaml');
    expect(await h.type(':sync', KEYS.enter)).toContain('Phase:     Failed');
  });

  it('shows cluster CPU and memory when the client has metrics', async () => {
    const c = withMetrics(cluster(), [{ name: 'node-1', cpu: 2, memory: 2 ** 30, timestamp: '' }], []);
    h = await mount(c);
    await h.flush();
    expect(h.frame()).toMatch(/CPU\/MEM:\s+2 \(25%\) \S+\s+1Gi \(6%\)/);
  });
});

describe('resource views', () => {
  it('starts on pods across namespaces with kubectl columns', async () => {
    h = await mount(cluster());
    const f = h.frame();
    expect(f).toMatch(/NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/);
    expect(rowOf(f, 'api-1')).toMatch(/default\s+api-1\s+0\/1\s+CrashLoopBackOff\s+4 \(2m ago\)\s+5m/);
    expect(f).toContain('Pods(all)[4]');
  });

  it.each([
    ['deploy', /NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/, /web\s+2\/2\s+2\s+2\s+120m/],
    ['no', /NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/, /node-1\s+Ready\s+control-plane\s+3d\s+v1\.31\.0-kubeterm/],
    ['rs', /NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE/, /web-3abc\s+2\s+2\s+2/],
    ['svc', /NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE/, /web\s+ClusterIP\s+10\.96\.0\.10\s+<none>\s+80\/TCP/],
    ['ns', /NAME\s+STATUS\s+AGE/, /No resources found/],
  ])(':%s', async (cmd, header, row) => {
    h = await mount(cluster());
    const f = await h.type(`:${cmd}`, KEYS.enter);
    expect(f).toMatch(header);
    expect(f).toMatch(row);
  });

  it('shows events newest first with warnings', async () => {
    const c = cluster();
    h = await mount(c);
    c.put(event(pod('api-1'), 'BackOff', 'Back-off restarting failed container', { type: 'Warning', seen: 10_000 }));
    c.put(event(pod('web-1'), 'Pulled', 'Successfully pulled image', { seen: HOUR }));
    const f = await h.type(':ev', KEYS.enter);
    expect(f).toMatch(/LAST SEEN↑?\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
    const lines = f.split('\n');
    const backoff = lines.findIndex((l) => l.includes('BackOff'));
    const pulled = lines.findIndex((l) => l.includes('Pulled'));
    expect(backoff).toBeGreaterThan(0);
    expect(backoff).toBeLessThan(pulled);
    expect(lines[backoff]).toMatch(/10s\s+Warning\s+BackOff\s+pod\/api-1\s+Back-off restarting/);
  });

  it(':pods NAMESPACE scopes to a namespace, 0 goes back to all', async () => {
    h = await mount(cluster());
    let f = await h.type(':pods kube-system', KEYS.enter);
    expect(f).toContain('Pods(kube-system)[1]');
    expect(f).not.toContain('web-1');
    f = await h.type('0');
    expect(f).toContain('Pods(all)[4]');
  });

  it('tab completes the command and esc goes back through view history', async () => {
    h = await mount(cluster());
    let f = await h.type(':dep');
    expect(f).toContain(':dep');
    expect(f).toContain('loyments');
    f = await h.type(KEYS.tab, KEYS.enter);
    expect(f).toContain('Deployments(all)[1]');
    f = await h.type(':no', KEYS.enter);
    expect(f).toContain('Nodes(all)[2]');
    f = await h.type(KEYS.esc);
    expect(f).toContain('Deployments(all)[1]');
    f = await h.type(KEYS.esc);
    expect(f).toContain('Pods(all)[4]');
  });

  it('esc clears a filter before leaving the view', async () => {
    h = await mount(cluster());
    await h.type(':deploy', KEYS.enter, ':pods', KEYS.enter, '/web', KEYS.enter);
    let f = await h.type(KEYS.esc);
    expect(f).toContain('Pods(all)[4]');
    f = await h.type(KEYS.esc);
    expect(f).toContain('Deployments(all)[1]');
  });

  it('flashes unknown commands', async () => {
    h = await mount(cluster());
    expect(await h.type(':bogus', KEYS.enter)).toContain('no resource named "bogus"');
  });

  it('updates live from watch events, coalesced per frame', async () => {
    const c = cluster();
    h = await mount(c);
    for (let i = 0; i < 50; i++) c.put(pod(`burst-${i}`, { ns: 'burst' }));
    const framesBefore = h.frame();
    expect(framesBefore).not.toContain('burst-0'); // not drawn before the frame timer fires
    const f = await h.flush();
    expect(f).toContain('Pods(all)[54]');
    c.remove('Pod', 'default', 'api-1');
    expect(await h.flush()).not.toContain('api-1');
  });

  it('ages move on with the clock without any watch event', async () => {
    h = await mount(new FakeClusterClient([pod('web-1', { created: 5 * MIN })]));
    expect(rowOf(h.frame(), 'web-1')).toMatch(/\s5m\s/);
    h.clock.advance(10 * MIN);
    expect(rowOf(await h.flush(), 'web-1')).toMatch(/\s15m\s/);
  });

  it('shows a banner when a watch breaks and recovers when events flow again', async () => {
    const c = cluster();
    h = await mount(c);
    c.breakWatch('Pod', 'connection refused');
    let f = await h.flush();
    expect(f).toContain('connection lost (Pod): connection refused');
    expect(f).toContain('web-1'); // last known state stays
    c.put(pod('web-9'));
    f = await h.flush();
    expect(f).not.toContain('connection lost');
    expect(f).toContain('web-9');
  });

  it('drops low-priority columns on a narrow terminal instead of wrapping', async () => {
    h = await mount(cluster(), { size: { columns: 60, rows: 30 } });
    const f = h.frame();
    expect(f).toMatch(/NAME\s+READY\s+STATUS/);
    expect(f).not.toMatch(/\bNODE\b/);
    for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
  });
});

describe('filter, sort and cursor', () => {
  it('filters as you type, by regex, inverse and label selector', async () => {
    h = await mount(cluster());
    let f = await h.type('/', 'w', 'e', 'b');
    expect(f).toContain('web-1');
    expect(f).not.toContain('api-1');
    f = await h.type(KEYS.enter);
    expect(f).toContain('</web>');
    f = await h.type('/', KEYS.backspace, KEYS.backspace, KEYS.backspace, '!web', KEYS.enter);
    expect(f).not.toContain('web-1');
    expect(f).toContain('api-1');
    f = await h.type('/', ...Array(4).fill(KEYS.backspace), '-l app=dns', KEYS.enter);
    expect(f).toContain('dns-1');
    expect(f).not.toContain('api-1');
    f = await h.type(KEYS.esc);
    expect(f).toContain('api-1');
  });

  it('sorts by name and age with shift keys and moves the sort column with < >', async () => {
    const c = new FakeClusterClient([pod('b', { created: HOUR }), pod('a', { created: 2 * HOUR }), pod('c', { created: MIN })]);
    h = await mount(c);
    const order = (f: string) => ['a', 'b', 'c'].sort((x, y) => f.indexOf(` ${x} `) - f.indexOf(` ${y} `)).join('');
    expect(order(h.frame())).toBe('abc');
    let f = await h.type('N');
    expect(order(f)).toBe('abc');
    expect(f).toContain('NAME↑');
    f = await h.type('N');
    expect(order(f)).toBe('cba');
    f = await h.type('A');
    expect(order(f)).toBe('cba'); // youngest first
    f = await h.type('A');
    expect(order(f)).toBe('abc');
    f = await h.type('<');
    expect(f).toContain('RESTARTS↓');
  });

  it('keeps the cursor on the same pod when rows are added above it', async () => {
    const c = new FakeClusterClient([pod('b-1'), pod('c-1'), pod('d-1')]);
    h = await mount(c);
    await h.type('j'); // on c-1
    expect(await h.type('d')).toContain('Describe(default/c-1)');
    await h.type(KEYS.esc);
    c.put(pod('a-1'));
    c.put(pod('a-2'));
    await h.flush();
    expect(await h.type('d')).toContain('Describe(default/c-1)');
  });

  it('moves with j/k, arrows, G and g', async () => {
    const c = new FakeClusterClient(Array.from({ length: 60 }, (_, i) => pod(`p-${String(i).padStart(2, '0')}`)));
    h = await mount(c);
    let f = await h.type('G');
    expect(f).toContain('p-59');
    expect(f).not.toContain('p-00');
    f = await h.type('g');
    expect(f).toContain('p-00');
    await h.type(KEYS.down, 'j', 'k');
    expect(await h.type('y')).toContain('YAML(default/p-01)');
  });
});

describe('actions', () => {
  it('s on a deployment prompts for replicas and calls client.scale', async () => {
    const c = cluster();
    h = await mount(c);
    await h.type(':deploy', KEYS.enter);
    let f = await h.type('s');
    expect(f).toContain('Scale deployment default/web');
    f = await h.type(KEYS.backspace, '5', KEYS.enter);
    expect(c.callsTo('scale')).toEqual([['Deployment', 'default', 'web', 5]]);
    expect(await h.flush()).toContain('deployment default/web scaled to 5');
  });

  it('refuses a non-numeric replica count', async () => {
    const c = cluster();
    h = await mount(c);
    await h.type(':deploy', KEYS.enter, 's', KEYS.backspace, 'x', KEYS.enter);
    expect(c.callsTo('scale')).toEqual([]);
    expect(h.frame()).toContain('replicas must be a whole number');
  });

  it('u on a deployment confirms from/to revision and image, then calls client.rollback', async () => {
    const c = cluster();
    h = await mount(c);
    await h.type(':deploy', KEYS.enter);
    const f = await h.type('u');
    expect(f).toContain('Rollback deployment default/web?');
    expect(f).toContain('from revision 3 (nginx:1.27)');
    expect(f).toContain('to revision 2 (nginx:1.26)');
    await h.type('y');
    expect(c.callsTo('rollback')).toEqual([['default', 'web', 2]]);
    expect(await h.flush()).toContain('rolled back');
  });

  it('esc cancels a confirm dialog without calling the client', async () => {
    const c = cluster();
    h = await mount(c);
    await h.type(':deploy', KEYS.enter, 'u', KEYS.esc);
    expect(c.callsTo('rollback')).toEqual([]);
    expect(h.frame()).not.toContain('Rollback deployment');
  });

  it('shift-h lists the rollout history and enter rolls back to a revision', async () => {
    const c = cluster();
    h = await mount(c);
    let f = await h.type(':deploy', KEYS.enter, 'H');
    expect(f).toContain('History(default/web)[3]');
    expect(f).toMatch(/3 \(current\)\s+<none>\s+nginx:1\.27/);
    f = await h.type('j', 'j', KEYS.enter);
    expect(f).toContain('to revision 1 (nginx:1.25)');
    await h.type('y');
    expect(c.callsTo('rollback')).toEqual([['default', 'web', 1]]);
  });

  it('ctrl-d confirms and deletes the selected object', async () => {
    const c = cluster();
    h = await mount(c);
    const f = await h.type(KEYS.ctrlD);
    expect(f).toContain('Delete pod default/api-1?');
    await h.type(KEYS.enter);
    expect(c.callsTo('delete')).toEqual([['Pod', 'default', 'api-1', undefined]]);
    const after = await h.flush();
    expect(after).toContain('pod default/api-1 deleted');
    expect(after).not.toMatch(/default\s+api-1/);
  });

  it('ctrl-k kills a pod with grace period 0', async () => {
    const c = cluster();
    h = await mount(c);
    await h.type(KEYS.ctrlK, 'y');
    expect(c.callsTo('delete')).toEqual([['Pod', 'default', 'api-1', { gracePeriodSeconds: 0 }]]);
  });

  it('client errors become a flash message, not a crash', async () => {
    const c = cluster();
    c.failNext = new Error('deployments.apps "web" is forbidden');
    h = await mount(c);
    await h.type(':deploy', KEYS.enter, 'r', 'y');
    expect(await h.flush()).toContain('deployments.apps "web" is forbidden');
    expect(h.frame()).toContain('Deployments(all)');
  });

  it('node keys cordon, uncordon and drain', async () => {
    const c = cluster();
    h = await mount(c);
    await h.type(':no', KEYS.enter, 'c');
    expect(c.callsTo('cordon')).toEqual([['node-1', true]]);
    expect(await h.flush()).toContain('Ready,SchedulingDisabled');
    await h.type('u');
    expect(c.callsTo('cordon')[1]).toEqual(['node-1', false]);
    await h.type('D', 'y');
    expect(c.callsTo('drain')).toEqual([['node-1']]);
  });

  it('enter on a deployment drills into its pods; on a node into the pods on it', async () => {
    h = await mount(cluster());
    let f = await h.type(':deploy', KEYS.enter, KEYS.enter);
    expect(f).toContain('Pods(default)[deployment/web][2]');
    expect(f).not.toContain('api-1');
    f = await h.type(':no', KEYS.enter, 'j', KEYS.enter);
    expect(f).toContain('Pods(all)[node/node-2][1]');
    expect(f).toContain('web-2');
  });

  it('d describes with events at the bottom; y shows YAML', async () => {
    const c = cluster();
    const api = (await c.get('Pod', 'default', 'api-1'))!;
    c.put(event(api, 'BackOff', 'Back-off restarting failed container', { type: 'Warning', seen: 30_000, count: 5 }));
    h = await mount(c);
    let f = await h.type('d');
    expect(f).toContain('Describe(default/api-1)');
    expect(f).toMatch(/Name:\s+api-1/);
    // As kubectl describe prints it: the phase, and the container's waiting reason under State.
    expect(f).toMatch(/Status:\s+Running/);
    expect(f).toMatch(/State:\s+Waiting\n\s+Reason:\s+CrashLoopBackOff/);
    f = await h.type('G'); // the Events table is at the bottom
    expect(f).toMatch(/Warning\s+BackOff\s+30s \(x5 over 2m30s\)\s+kubelet\s+Back-off restarting failed container/);
    f = await h.type(KEYS.esc, 'y');
    expect(f).toContain('YAML(default/api-1)');
    expect(f).toContain('kind: Pod');
  });

  it('secrets are masked in YAML until x decodes them', async () => {
    const c = new FakeClusterClient([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'default' }, type: 'Opaque', data: { password: Buffer.from('hunter2').toString('base64') } }]);
    h = await mount(c, { initialView: 'secrets' });
    let f = await h.type('y');
    expect(f).toContain('password: "********"');
    f = await h.type('x');
    expect(f).toContain('password: hunter2');
  });

  it('? lists every key of the current view from the bindings', async () => {
    h = await mount(cluster());
    await h.type(':deploy', KEYS.enter);
    const f = await h.type('?');
    expect(f).toContain('Help');
    expect(f).toMatch(/<s>\s+Scale/);
    expect(f).toMatch(/<u>\s+Rollback/);
    expect(f).toMatch(/<ctrl-d>\s+Delete/);
    expect(f).not.toContain('Logs Previous');
  });

  it(':q quits', async () => {
    let exited = 0;
    h = await mount(cluster(), { onExit: () => exited++ });
    await h.type(':q', KEYS.enter);
    expect(exited).toBe(1);
  });
});

describe('logs', () => {
  it('streams every container of a pod, follows the tail and toggles options', async () => {
    const c = new FakeClusterClient([pod('web-1', { containers: ['app', 'sidecar'] })]);
    h = await mount(c, { size: { columns: 120, rows: 20 } });
    await h.type('l');
    expect(c.callsTo('logs').map((a) => [a[1], (a[2] as { container: string }).container, (a[2] as { follow: boolean }).follow])).toEqual([
      ['web-1', 'app', true],
      ['web-1', 'sidecar', true],
    ]);
    for (let i = 1; i <= 40; i++) c.log('web-1', `line ${i}`, 'app');
    c.log('web-1', 'hello from sidecar', 'sidecar');
    let f = await h.flush();
    expect(f).toContain('Logs(default/web-1)');
    expect(f).toContain('hello from sidecar'); // autoscroll: the tail is visible
    expect(f).toContain('web-1 app │ line 40');
    expect(f).not.toContain('line 1\n');
    f = await h.type('t');
    expect(f).toContain('Timestamps:On');
    expect(f).toContain('2026-01-01T00:00:00Z web-1 app │ line 40');
    f = await h.type('1');
    expect(f).toContain('line 1');
    expect(f).toContain('Autoscroll:Off');
    f = await h.type('/', 'sidecar', KEYS.enter);
    expect(f).toContain('hello from sidecar');
    expect(f).not.toContain('line 40');
    f = await h.type('c');
    expect(f).toContain('log cleared');
    expect(f).not.toContain('hello from sidecar');
  });

  it('p asks for the previous container logs', async () => {
    const c = new FakeClusterClient([pod('web-1')]);
    h = await mount(c);
    await h.type('p');
    expect(c.callsTo('logs')[0][2]).toMatchObject({ previous: true, follow: false });
  });

  it('keeps a bounded buffer', async () => {
    const c = new FakeClusterClient([pod('web-1')]);
    h = await mount(c, { logLines: 10 });
    await h.type('l');
    for (let i = 1; i <= 25; i++) c.log('web-1', `line ${i}`);
    const f = await h.flush();
    expect(f).toContain('10 lines (15 dropped)');
    expect(f).not.toMatch(/line 15\b/);
    expect(f).toContain('line 25');
  });

  it('a in a pod\'s logs switches to every pod of its owner', async () => {
    const c = cluster();
    h = await mount(c, { initialView: 'pods' });
    await h.type('/web', KEYS.enter, 'l');
    expect(c.callsTo('logs').map((a) => a[1])).toEqual(['web-1']);
    const f = await h.type('a');
    expect(f).toContain('Logs(replicaset/default/web-3abc)[2 pods]');
    expect(c.callsTo('logs').map((a) => a[1])).toEqual(['web-1', 'web-1', 'web-2']);
  });

  it('l on a deployment streams all of its pods', async () => {
    const c = cluster();
    h = await mount(c);
    await h.type(':deploy', KEYS.enter, 'l');
    expect(c.callsTo('logs').map((a) => a[1])).toEqual(['web-1', 'web-2']);
    expect(h.frame()).toContain('[2 pods]');
  });
});

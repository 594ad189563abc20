// Port-forward in the UI as k9s has it: shift-f opens the dialog (container
// port, local port defaulting to it, address 127.0.0.1), the forward starts
// through ClusterClient.portForward, `:pf` lists forwards and ctrl-d stops
// one; a forward whose pod goes away stays listed as PodGone. Also the
// CronJob suspend/resume toggle (k9s `s`).
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { FakeClusterClient } from './fake-client.js';
import { ago, deployment, HOUR, pod, service } from './fixtures.js';
import { KEYS, mount, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(() => {
  h?.unmount();
  h = undefined;
});

/** A pod whose container `web` declares 80 (http) and 9090 (metrics). */
function webPod(name = 'web-1'): KubeObject {
  const p = pod(name, { uid: `uid-${name}` });
  return {
    ...p,
    spec: {
      ...p.spec,
      containers: [{ name: 'web', image: 'nginx:1.25', ports: [{ name: 'http', containerPort: 80 }, { name: 'metrics', containerPort: 9090 }, { containerPort: 53, protocol: 'UDP' }] }],
    },
  };
}

const SHIFT_F = 'F';

describe('shift-f port-forward dialog', () => {
  it('proposes the first TCP container port, the same local port and 127.0.0.1, and starts the forward', async () => {
    const c = new FakeClusterClient([webPod()]);
    h = await mount(c);
    let f = await h.type(SHIFT_F);
    expect(f).toContain('PortForward');
    expect(f).toContain('pod/default/web-1');
    expect(f).toContain('Exposed Ports: web::80 (http), web::9090 (metrics)');
    expect(f).not.toContain('web::53');
    expect(f).toMatch(/Container Port:\s+web::80/);
    expect(f).toMatch(/Local Port:\s+80\b/);
    expect(f).toMatch(/Address:\s+127\.0\.0\.1/);
    // Move to the local port, replace 80 by 8080, accept.
    f = await h.type(KEYS.tab, KEYS.backspace, KEYS.backspace, '8080', KEYS.enter);
    expect(c.callsTo('portForward')).toEqual([[{ namespace: 'default', kind: 'Pod', name: 'web-1', container: 'web', remotePort: 80, localPort: 8080, address: '127.0.0.1' }]]);
    f = await h.flush();
    expect(f).toContain('PortForward activated default/web-1:8080:80 http://127.0.0.1:8080/');
  });

  it('the local port follows the container port as it is edited (k9s)', async () => {
    const c = new FakeClusterClient([webPod()]);
    h = await mount(c);
    await h.type(SHIFT_F);
    let f = await h.type(KEYS.backspace, KEYS.backspace);
    expect(f).toMatch(/Container Port:\s+web::\s/);
    f = await h.type('9090');
    expect(f).toMatch(/Local Port:\s+9090\b/);
    await h.type(KEYS.enter);
    expect(c.callsTo('portForward')[0][0]).toMatchObject({ remotePort: 9090, localPort: 9090, container: 'web' });
  });

  it('a named container port is passed through; a bad local port is refused with a message', async () => {
    const c = new FakeClusterClient([webPod()]);
    h = await mount(c);
    await h.type(SHIFT_F, KEYS.tab, 'x', KEYS.enter);
    let f = await h.flush();
    expect(f).toContain('local port must be a number 0-65535, got "80x"');
    expect(c.callsTo('portForward')).toEqual([]);
    await h.type(SHIFT_F);
    for (let i = 0; i < 2; i++) await h.type(KEYS.backspace);
    f = await h.type('http', KEYS.tab, '0', KEYS.enter);
    expect(c.callsTo('portForward')[0][0]).toMatchObject({ remotePort: 'http', localPort: 0 });
  });

  it('esc cancels without forwarding', async () => {
    const c = new FakeClusterClient([webPod()]);
    h = await mount(c);
    await h.type(SHIFT_F);
    const f = await h.type(KEYS.esc);
    expect(f).not.toContain('Container Port:');
    expect(c.callsTo('portForward')).toEqual([]);
  });

  it('a second forward to the same pod is refused while the first is active (k9s)', async () => {
    const c = new FakeClusterClient([webPod()]);
    h = await mount(c);
    await h.type(SHIFT_F, KEYS.enter);
    await h.flush();
    const f = await h.type(SHIFT_F);
    expect(f).toContain('A PortForward already exist for pod default/web-1');
    expect(f).not.toContain('Container Port:');
    expect(c.callsTo('portForward')).toHaveLength(1);
  });

  it('on a service it asks for the service port and forwards kind Service', async () => {
    const c = new FakeClusterClient([service('web', { ports: [{ port: 8080 }] })]);
    h = await mount(c, { initialView: 'svc' });
    const f = await h.type(SHIFT_F);
    expect(f).toMatch(/Service Port:\s+8080/);
    expect(f).toMatch(/Local Port:\s+8080/);
    await h.type(KEYS.enter);
    expect(c.callsTo('portForward')[0][0]).toEqual({ namespace: 'default', kind: 'Service', name: 'web', remotePort: 8080, localPort: 8080, address: '127.0.0.1' });
  });

  it('on a deployment it forwards to one of its running pods', async () => {
    const d = deployment('web', { uid: 'uid-d' });
    const c = new FakeClusterClient([d, { ...webPod('web-abc'), metadata: { ...webPod('web-abc').metadata, labels: { app: 'web' } } }]);
    h = await mount(c, { initialView: 'deploy' });
    const f = await h.type(SHIFT_F);
    expect(f).toContain('pod/default/web-abc');
    await h.type(KEYS.enter);
    expect(c.callsTo('portForward')[0][0]).toMatchObject({ kind: 'Pod', name: 'web-abc', remotePort: 80 });
  });

  it('a client error is flashed', async () => {
    const c = new FakeClusterClient([webPod()]);
    h = await mount(c);
    c.failNext = new Error('unable to forward port because pod is not running. Current status=Pending');
    await h.type(SHIFT_F, KEYS.enter);
    const f = await h.flush();
    expect(f).toContain('unable to forward port because pod is not running. Current status=Pending');
  });
});

describe(':pf port-forwards view', () => {
  async function forwarded(): Promise<{ c: FakeClusterClient; h: Harness }> {
    const c = new FakeClusterClient([webPod()]);
    const hh = await mount(c);
    await hh.type(SHIFT_F, KEYS.tab, KEYS.backspace, KEYS.backspace, '8080', KEYS.enter);
    await hh.flush();
    return { c, h: hh };
  }

  it('lists forwards with k9s columns and stops one with ctrl-d after confirmation', async () => {
    const r = await forwarded();
    h = r.h;
    let f = await h.type(':pf', KEYS.enter);
    expect(f).toContain('Portforwards(all)[1]');
    expect(f).toMatch(/NAMESPACE\s+NAME\s+CONTAINER\s+PORTS\s+URL\s+STATUS\s+AGE/);
    expect(f).toMatch(/default\s+web-1\s+web\s+8080:80\s+http:\/\/127\.0\.0\.1:8080\/\s+Active\s+0s/);
    f = await h.type(KEYS.ctrlD);
    expect(f).toContain('Delete portforward default/web-1::web 8080->80?');
    expect(f).toContain('Stops listening on http://127.0.0.1:8080/');
    f = await h.type('y');
    f = await h.flush();
    expect(r.c.forwards[0].stopped).toBe(true);
    expect(f).toContain('Portforwards(all)[0]');
    expect(f).toContain('Successfully deleted 1 PortForward!');
  });

  it('`:portforwards` and `:portforward` open the same view; d describes a forward', async () => {
    const r = await forwarded();
    h = r.h;
    let f = await h.type(':portforwards', KEYS.enter);
    expect(f).toContain('Portforwards(all)[1]');
    f = await h.type(KEYS.esc, ':portforward', KEYS.enter);
    expect(f).toContain('Portforwards(all)[1]');
    f = await h.type('d');
    expect(f).toContain('Describe(default/web-1)');
    expect(f).not.toContain('not found');
    expect(f).toMatch(/localPort:?\s+8080|Local Port:\s+8080/i);
  });

  it('a forward whose pod is gone says so and stays listed as PodGone until removed', async () => {
    const r = await forwarded();
    h = r.h;
    r.c.forwards[0].end({ reason: 'pod gone', message: 'pod default/web-1 is gone' });
    let f = await h.flush();
    expect(f).toContain('PortForward default/web-1::web 8080->80 ended: pod default/web-1 is gone');
    f = await h.type(':pf', KEYS.enter);
    expect(f).toMatch(/web-1\s+web\s+8080:80\s+http:\/\/127\.0\.0\.1:8080\/\s+PodGone/);
    f = await h.type(KEYS.ctrlD);
    expect(f).toContain('Removes the ended forward (pod default/web-1 is gone).');
    await h.type('y');
    f = await h.flush();
    expect(f).toContain('Portforwards(all)[0]');
    // The pod may be forwarded again now.
    f = await h.type(KEYS.esc, SHIFT_F);
    expect(f).toContain('Container Port:');
  });

  it('help on the pods view lists shift-f; on :pf, ctrl-d Delete and the sort keys', async () => {
    const r = await forwarded();
    h = r.h;
    let f = await h.type('?');
    expect(f).toMatch(/<shift-f>\s+Port-Forward/);
    await h.type(KEYS.esc);
    await h.type(':pf', KEYS.enter);
    f = await h.type('?');
    expect(f).toMatch(/<ctrl-d>\s+Delete/);
    expect(f).toMatch(/<shift-p>\s+Sort Ports/);
    expect(f).toMatch(/<shift-u>\s+Sort URL/);
    expect(f).not.toContain('Kill');
  });

  it('the forwards are stopped when the UI unmounts', async () => {
    const r = await forwarded();
    r.h.unmount();
    await r.h.flush();
    expect(r.c.forwards[0].stopped).toBe(true);
  });
});

describe('cronjob suspend/resume (k9s `s`)', () => {
  const cronJob = (suspend?: boolean): KubeObject => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'nightly', namespace: 'default', uid: 'uid-nightly', creationTimestamp: ago(HOUR) },
    spec: { schedule: '0 3 * * *', ...(suspend === undefined ? {} : { suspend }), jobTemplate: { spec: { template: { spec: { containers: [] } } } } },
    status: {},
  });

  it('s asks to suspend, patches spec.suspend and the SUSPEND column follows; s again resumes', async () => {
    const c = new FakeClusterClient([cronJob()]);
    h = await mount(c, { initialView: 'cj' });
    let f = await h.type('s');
    expect(f).toContain('Suspend CronJob default/nightly?');
    f = await h.type('y');
    f = await h.flush();
    expect(c.callsTo('patch')).toEqual([['CronJob', 'default', 'nightly', 'merge', { spec: { suspend: true } }]]);
    expect(f).toMatch(/nightly\s+0 3 \* \* \*\s+<none>\s+True/);
    expect(f).toContain('CronJob default/nightly suspended successfully!');
    f = await h.type('s');
    expect(f).toContain('Resume CronJob default/nightly?');
    await h.type('y');
    f = await h.flush();
    expect(c.callsTo('patch')[1]).toEqual(['CronJob', 'default', 'nightly', 'merge', { spec: { suspend: false } }]);
    expect(f).toMatch(/nightly\s+0 3 \* \* \*\s+<none>\s+False/);
    expect(f).toContain('CronJob default/nightly resumed successfully!');
  });

  it('n leaves it alone', async () => {
    const c = new FakeClusterClient([cronJob(true)]);
    h = await mount(c, { initialView: 'cj' });
    const f = await h.type('s', 'n');
    expect(f).not.toContain('Resume CronJob');
    expect(c.callsTo('patch')).toEqual([]);
  });
});

describe('every kind of the seed docs is one `:alias` away, with its k9s actions in help', () => {
  const objects: KubeObject[] = [
    {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv-1', uid: 'uid-pv', creationTimestamp: ago(HOUR) },
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', storageClassName: 'standard', claimRef: { namespace: 'default', name: 'data' }, hostPath: { path: '/tmp/pv-1' } },
      status: { phase: 'Bound' },
    },
  ];
  const cases: [string, RegExp, string[]][] = [
    ['deploy', /Deployments\(all\)/, ['Describe', 'YAML', 'Delete', 'Logs', 'Scale', 'Restart', 'Rollback', 'History', 'Port-Forward']],
    ['svc', /Services\(all\)/, ['Describe', 'YAML', 'Delete', 'Port-Forward']],
    ['ing', /Ingresses\(all\)/, ['Describe', 'YAML', 'Delete']],
    ['cm', /Configmaps\(all\)/, ['Describe', 'YAML', 'Delete']],
    ['secrets', /Secrets\(all\)/, ['Describe', 'YAML', 'Delete', 'Decode']],
    ['po', /Pods\(all\)/, ['Describe', 'YAML', 'Delete', 'Logs', 'Logs Previous', 'Kill', 'Port-Forward']],
    ['pv', /Persistentvolumes\(all\)/, ['Describe', 'YAML', 'Delete']],
    ['pvc', /Persistentvolumeclaims\(all\)/, ['Describe', 'YAML', 'Delete']],
    ['hpa', /Horizontalpodautoscalers\(all\)/, ['Describe', 'YAML', 'Delete']],
    ['ds', /Daemonsets\(all\)/, ['Describe', 'YAML', 'Delete', 'Logs', 'Restart', 'Port-Forward']],
    ['sts', /Statefulsets\(all\)/, ['Describe', 'YAML', 'Delete', 'Logs', 'Scale', 'Restart', 'Port-Forward']],
    ['jobs', /Jobs\(all\)/, ['Describe', 'YAML', 'Delete', 'Logs']],
    ['cj', /Cronjobs\(all\)/, ['Describe', 'YAML', 'Delete', 'Trigger', 'Suspend/Resume']],
  ];
  it.each(cases)(':%s', async (alias, title, actions) => {
    h = await mount(new FakeClusterClient(objects));
    await h.type(`:${alias}`, KEYS.enter);
    const f = await h.type('?');
    for (const a of actions) expect(f, `${alias}: ${a}`).toMatch(new RegExp(`<[^>]+>\\s+${a.replace('/', '\\/')}\\s*$`, 'm'));
    const t = await h.type(KEYS.esc);
    expect(t).toMatch(title);
  });

  it(':pv prints kubectl columns', async () => {
    h = await mount(new FakeClusterClient(objects), { initialView: 'pv' });
    const f = h.frame();
    expect(f).toMatch(/NAME\s+CAPACITY\s+ACCESS MODES\s+RECLAIM POLICY\s+STATUS\s+CLAIM\s+STORAGECLASS/);
    expect(f).toMatch(/pv-1\s+1Gi\s+RWO\s+Retain\s+Bound\s+default\/data\s+standard/);
  });
});

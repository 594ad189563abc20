// EmbeddedClient against a memory-only engine (controllers and scheduler
// running on a FakeClock): reads with selectors, watch semantics, writes,
// and the kubectl verbs (scale, rollback, restart, cordon/drain, cronjob trigger).
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine.js';
import { EmbeddedClient } from '../../src/client/embedded.js';
import { Api } from '../../src/api/api.js';
import { MemoryStore } from '../../state/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { WatchEvent } from '../../src/api/store-types.js';
import { isStatusError } from '../../src/api/errors.js';
import type { FakeClock } from '../../src/util/clock.js';
import { untilSettled } from '../helpers/wait.js';
import { useEmbeddedEngine } from '../helpers/embedded-engine.js';

const deployment = (name: string, image: string, replicas = 2): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
  },
});

const configMap = (name: string, labels: Record<string, string> = {}, ns = 'default'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, labels },
  data: { k: name },
});

let engine: Engine;
let client: EmbeddedClient;
let clock: FakeClock;

useEmbeddedEngine((e) => ({ engine, client, clock } = e));

describe('EmbeddedClient reads', () => {
  it('reports the embedded cluster and its runtime', () => {
    expect(client.info.mode).toBe('embedded');
    expect(client.info.runtime).toBe('simulated');
    expect(client.info.runtimeReason).toMatch(/--runtime sim/);
  });

  it('lists by kind name, short name or plural, with label and field selectors', async () => {
    await client.create(configMap('a', { tier: 'web' }));
    await client.create(configMap('b', { tier: 'db' }));
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    await client.create(configMap('c', { tier: 'web' }, 'other'));

    const names = (r: { items: KubeObject[] }) => r.items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    expect(names(await client.list('configmaps', { labelSelector: 'tier=web' }))).toEqual(['default/a', 'other/c']);
    expect(names(await client.list('cm', { namespace: 'default', labelSelector: 'tier in (web,db)' }))).toEqual(['default/a', 'default/b']);
    expect(names(await client.list('ConfigMap', { fieldSelector: 'metadata.name=b' }))).toEqual(['default/b']);
    expect(names(await client.list('ConfigMap', { namespace: 'other' }))).toEqual(['other/c']);
    expect((await client.get('configmap', 'default', 'a'))?.data).toEqual({ k: 'a' });
    expect(await client.get('configmap', 'default', 'zzz')).toBeUndefined();
  });

  it('answers a bad selector or an unknown kind as the API server does', async () => {
    await expect(client.list('ConfigMap', { labelSelector: 'a in (' })).rejects.toSatisfy((e) => isStatusError(e, 'BadRequest'));
    await expect(client.list('Pod', { fieldSelector: 'spec.bogus=1' })).rejects.toThrow(/field label not supported: spec.bogus/);
    await expect(client.list('widgets')).rejects.toThrow(`the server doesn't have a resource type "widgets"`);
  });
});

describe('EmbeddedClient watch', () => {
  it('sends ADDED for what exists, then live changes, and stops when asked', async () => {
    await client.create(configMap('a'));
    const events: WatchEvent[] = [];
    const sub = client.watch('ConfigMap', { namespace: 'default' }, (ev) => events.push(ev));
    await untilSettled('initial ADDED', () => events.length === 1, 500);
    expect(events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'a' } } });

    await client.create(configMap('b'));
    await client.patch('ConfigMap', 'default', 'a', 'merge', { data: { k: 'changed' } });
    await client.delete('ConfigMap', 'default', 'b');
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED a', 'ADDED b', 'MODIFIED a', 'DELETED b']);
    expect(events[2].object.data).toEqual({ k: 'changed' });

    sub.stop();
    await client.create(configMap('c'));
    expect(events).toHaveLength(4);
  });

  it('turns an object entering or leaving the label selector into ADDED / DELETED', async () => {
    const events: string[] = [];
    client.watch('ConfigMap', { labelSelector: 'app=web' }, (ev) => events.push(`${ev.type} ${ev.object.metadata.name}`));
    await new Promise((r) => setImmediate(r));
    await client.create(configMap('x', { app: 'other' }));
    await client.patch('ConfigMap', 'default', 'x', 'merge', { metadata: { labels: { app: 'web' } } });
    await client.patch('ConfigMap', 'default', 'x', 'merge', { data: { k: 'v2' } });
    await client.patch('ConfigMap', 'default', 'x', 'merge', { metadata: { labels: { app: 'db' } } });
    expect(events).toEqual(['ADDED x', 'MODIFIED x', 'DELETED x']);
  });

  it('resumes from a resourceVersion with exactly the events after it', async () => {
    await client.create(configMap('a'));
    const { resourceVersion } = await client.list('ConfigMap');
    await client.create(configMap('b'));
    await client.delete('ConfigMap', 'default', 'a');
    const events: string[] = [];
    client.watch('ConfigMap', { resourceVersion }, (ev) => events.push(`${ev.type} ${ev.object.metadata.name}`));
    await untilSettled('replayed events', () => events.length === 2, 500);
    expect(events).toEqual(['ADDED b', 'DELETED a']);
  });

  it('reports a watch resumed on an expired version (410), re-lists and carries on live', async () => {
    // A backend whose store replays only the last 5 events.
    const api = new Api({ store: new MemoryStore({ logSize: 5 }) });
    for (let i = 0; i < 30; i++) await api.create(configMap(`filler-${i}`));
    await api.delete('ConfigMap', 'default', 'filler-0');
    const c2 = new EmbeddedClient({ api, info: client.info });
    const events: WatchEvent[] = [];
    const errors: Error[] = [];
    c2.watch('ConfigMap', { resourceVersion: '1' }, (ev) => events.push(ev), (e) => errors.push(e));
    await untilSettled('re-listed objects', () => events.length === 29, 500);
    expect(errors).toHaveLength(1);
    expect(isStatusError(errors[0]) && errors[0].code).toBe(410);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['ADDED']));
    expect(events.some((e) => e.object.metadata.name === 'filler-0')).toBe(false);

    await api.create(configMap('after'));
    await api.delete('ConfigMap', 'default', 'filler-1');
    expect(events.slice(-2).map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED after', 'DELETED filler-1']);
    await c2.close();
  });

  it('can be stopped from its own handler, even during the replay of missed events', async () => {
    const { resourceVersion } = await client.list('ConfigMap');
    await client.create(configMap('a'));
    await client.create(configMap('b'));
    const seen: string[] = [];
    const sub = client.watch('ConfigMap', { resourceVersion }, (ev) => {
      seen.push(ev.object.metadata.name!);
      sub.stop();
    });
    await untilSettled('first replayed event', () => seen.length > 0, 500);
    await client.create(configMap('c'));
    expect(seen).toEqual(['a']);
  });

  it('reports an unknown kind to onError instead of throwing', async () => {
    const errors: Error[] = [];
    client.watch('gizmos', {}, () => {}, (e) => errors.push(e));
    await untilSettled('error', () => errors.length === 1, 500);
    expect(errors[0].message).toMatch(/gizmos/);
  });
});

describe('EmbeddedClient writes', () => {
  it('applies: created, then configured, then unchanged; dry run stores nothing', async () => {
    const cm = configMap('app');
    expect((await client.apply(cm)).action).toBe('created');
    expect((await client.apply({ ...cm, data: { k: 'new' } })).action).toBe('configured');
    expect((await client.apply({ ...cm, data: { k: 'new' } })).action).toBe('unchanged');
    const dry = await client.apply(configMap('ghost'), { dryRun: true });
    expect(dry.action).toBe('created');
    expect(await client.get('ConfigMap', 'default', 'ghost')).toBeUndefined();
    const live = await client.get('ConfigMap', 'default', 'app');
    expect(live?.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain('"new"');
  });

  it('creates, updates with a resourceVersion check, and deletes', async () => {
    const created = await client.create(configMap('u'));
    const updated = await client.update({ ...created, data: { k: 'v2' } } as KubeObject);
    expect(updated.data).toEqual({ k: 'v2' });
    await expect(client.update({ ...created, data: { k: 'stale' } } as KubeObject)).rejects.toSatisfy((e) => isStatusError(e, 'Conflict'));
    await client.delete('cm', 'default', 'u');
    expect(await client.get('ConfigMap', 'default', 'u')).toBeUndefined();
    await expect(client.delete('cm', 'default', 'u')).rejects.toThrow('configmaps "u" not found');
  });

  it('scales a Deployment and the controllers follow; refuses kinds without a scale subresource', async () => {
    await client.apply(deployment('web', 'nginx:1.25', 2));
    await engine.whenIdle();
    await client.scale('deploy', 'default', 'web', 4);
    await engine.whenIdle();
    expect((await client.get('Deployment', 'default', 'web'))?.spec.replicas).toBe(4);
    const pods = await client.list('Pod', { labelSelector: 'app=web' });
    expect(pods.items).toHaveLength(4);
    await expect(client.scale('Deployment', 'default', 'web', -1)).rejects.toThrow(/must be greater than or equal to 0/);
    await client.create(configMap('cfg'));
    await expect(client.scale('ConfigMap', 'default', 'cfg', 2)).rejects.toThrow('the server could not find the requested resource');
  });

  it('rolls a Deployment back to the previous revision and to a named one', async () => {
    await client.apply(deployment('web', 'nginx:1.24'));
    await engine.whenIdle();
    await client.apply(deployment('web', 'nginx:1.25'));
    await engine.whenIdle();
    const image = async () => (await client.get('Deployment', 'default', 'web'))?.spec.template.spec.containers[0].image;
    expect(await image()).toBe('nginx:1.25');

    expect(await client.rollback('default', 'web')).toEqual({ from: 2, to: 1 });
    await engine.whenIdle();
    expect(await image()).toBe('nginx:1.24');
    const d = await client.get('Deployment', 'default', 'web');
    expect(d?.spec.template.metadata.labels['pod-template-hash']).toBeUndefined();
    expect(d?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');

    // Revision 1 became 3; revision 2 still holds nginx:1.25.
    expect(await client.rollback('default', 'web', 2)).toEqual({ from: 3, to: 2 });
    await engine.whenIdle();
    expect(await image()).toBe('nginx:1.25');
    await expect(client.rollback('default', 'web', 9)).rejects.toThrow('unable to find specified revision 9 in history');
  });

  it('says there is no history for a Deployment with one revision', async () => {
    await client.apply(deployment('solo', 'nginx:1.25'));
    await engine.whenIdle();
    await expect(client.rollback('default', 'solo')).rejects.toThrow('no rollout history found for deployment "solo"');
  });

  it('restarts a Deployment by stamping restartedAt (RFC 3339) on its template', async () => {
    await client.apply(deployment('web', 'nginx:1.25'));
    await engine.whenIdle();
    await client.restart('deployment', 'default', 'web');
    const d = await client.get('Deployment', 'default', 'web');
    expect(d?.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBe(
      new Date(clock.now()).toISOString().replace('.000Z', 'Z'),
    );
    expect(d?.metadata.generation).toBe(2);
    await client.create(configMap('cfg'));
    await expect(client.restart('ConfigMap', 'default', 'cfg')).rejects.toThrow(/restarting is not supported/);
  });

  it('cordons, uncordons and drains a node, leaving DaemonSet pods', async () => {
    const capacity = { cpu: '4', memory: '8Gi', pods: '110' };
    await client.create({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } },
      spec: {},
      status: { capacity, allocatable: capacity, conditions: [{ type: 'Ready', status: 'True' }] },
    });
    await client.cordon('n1', true);
    expect((await client.get('Node', '', 'n1'))?.spec.unschedulable).toBe(true);
    await client.cordon('n1', false);
    expect((await client.get('Node', '', 'n1'))?.spec.unschedulable).toBeUndefined();

    const ds = await client.create({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'default' },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
      },
    });
    const pod = (name: string, meta: Partial<KubeObject['metadata']> = {}): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', ...meta },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }], terminationGracePeriodSeconds: 0 },
    });
    // The DaemonSet controller places its own pod on n1 (daemon pods tolerate cordoned nodes).
    const daemonPodOnN1 = () =>
      engine.api
        .list('Pod', { namespace: 'default' })
        .items.find(
          (p) =>
            p.spec?.nodeName === 'n1' &&
            !p.metadata.deletionTimestamp &&
            p.metadata.ownerReferences?.some((r) => r.kind === 'DaemonSet' && r.uid === ds.metadata.uid),
        );
    await untilSettled('the DaemonSet pod on n1', () => daemonPodOnN1() !== undefined, 500);
    const daemonPod = daemonPodOnN1()!;
    await client.create(pod('static', { annotations: { 'kubernetes.io/config.mirror': 'abc' } }));
    await client.create(pod('bare'));
    await client.drain('n1');
    expect((await client.get('Node', '', 'n1'))?.spec.unschedulable).toBe(true);
    const left = (await client.list('Pod', { fieldSelector: 'spec.nodeName=n1' })).items
      .filter((p) => !p.metadata.deletionTimestamp)
      .map((p) => p.metadata.name);
    expect(left).toContain(daemonPod.metadata.name);
    expect(left).toContain('static');
    expect(left).not.toContain('bare');
  });

  it('triggers a CronJob as `kubectl create job --from=cronjob/NAME` does', async () => {
    const cj = await client.create({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'backup', namespace: 'default' },
      spec: {
        schedule: '0 * * * *',
        jobTemplate: {
          metadata: { labels: { job: 'backup' }, annotations: { team: 'ops' } },
          spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } },
        },
      },
    });
    const job = await client.triggerCronJob('default', 'backup');
    expect(job.metadata.name).toMatch(/^backup-manual-[a-z0-9]{3}$/);
    expect(job.metadata.annotations).toMatchObject({ 'cronjob.kubernetes.io/instantiate': 'manual', team: 'ops' });
    expect(job.metadata.labels).toEqual({ job: 'backup' });
    expect(job.metadata.ownerReferences).toEqual([{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'backup', uid: cj.metadata.uid, controller: true }]);
    expect(job.spec.template.spec.containers[0].image).toBe('busybox');
    expect(await client.get('Job', 'default', job.metadata.name!)).toBeDefined();
  });

  it('explains when a pod has no logs to give', async () => {
    const err = await new Promise<Error | undefined>((resolve) => client.logs('default', 'nope', {}, () => {}, resolve));
    expect(err?.message).toBe('pods "nope" not found');
  });
});

// KubeClient (the kubeconfig ClusterClient) against kubeterm's own API server
// in-process: every call crosses real HTTPS with a bearer token, so the
// client and the server check each other. The cluster runs on real timers, so
// results that need controllers or kubelets are polled for with a deadline.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isStatusError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { WatchEvent } from '../../src/api/store-types.js';
import { KubeClient } from '../../src/client/kube.js';
import type { LogLine } from '../../src/client/types.js';
import { statusErrorOf } from '../helpers/status-error.js';
import { useLiveClient, waitFor, type LiveCluster } from './kube-harness.js';

let live: LiveCluster;
let client: KubeClient;

useLiveClient((t) => ({ live, client } = t), 30_000);

function deployment(name: string, image: string, extra: { replicas?: number; labels?: Record<string, string> } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: extra.labels ?? { app: name } },
    spec: {
      replicas: extra.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image }] } },
    },
  };
}

const ownedBy = (uid: string | undefined) => (o: KubeObject) => o.metadata.ownerReferences?.some((r) => r.uid === uid);

const caught = (p: Promise<unknown>) => statusErrorOf(p);

describe('KubeClient over kubeterm’s API server', () => {
  it('reports the context, mode and the server version from /version', () => {
    expect(client.info).toEqual({ context: 'kubeterm', mode: 'kube', runtime: 'remote', serverVersion: expect.stringMatching(/^v1\.\d+\.\d+/) });
    // kubeterm's server serves metrics.k8s.io (as metrics-server does), so the client offers metrics.
    expect(client.podMetrics).toBeTypeOf('function');
    expect(client.nodeMetrics).toBeTypeOf('function');
  });

  it('reads metrics.k8s.io: the same numbers the engine reports, per pod, container and node', async () => {
    await client.create(deployment('top', 'nginx:1.25', { replicas: 2 }));
    const running = () => live.engine.api.list('Pod', { namespace: 'default', filter: (p) => p.metadata.labels?.app === 'top' && p.status?.phase === 'Running' }).items;
    await waitFor(() => running().length === 2, 'two running pods');
    const remote = await waitFor(async () => {
      const ms = (await client.podMetrics!('default')).filter((m) => m.name.startsWith('top-'));
      return ms.length === 2 && ms;
    }, 'pod metrics of both pods');
    const local = await live.engine.podMetrics('default');
    for (const m of remote) {
      const l = local.find((x) => x.name === m.name)!;
      // Quantities carry nanocores and bytes: nothing is lost on the way.
      expect(m.cpu).toBeCloseTo(l.cpu, 9);
      expect(m.memory).toBe(l.memory);
      expect(m.containers).toEqual(l.containers.map((c) => ({ name: c.name, cpu: expect.closeTo(c.cpu, 9), memory: c.memory })));
      expect(m.namespace).toBe('default');
    }
    expect((await client.podMetrics!()).some((m) => m.name === remote[0].name)).toBe(true);
    const nodes = await client.nodeMetrics!();
    const localNodes = await live.engine.nodeMetrics();
    expect(nodes.map((n) => n.name)).toEqual(['node-1']);
    expect(nodes[0].cpu).toBeCloseTo(localNodes[0].cpu, 9);
    expect(nodes[0].memory).toBe(localNodes[0].memory);
    await client.delete('Deployment', 'default', 'top');
  });

  it('lists with kind and apiVersion on every item, gets, and answers undefined for a missing object', async () => {
    const ns = await client.list('ns');
    expect(ns.items.map((n) => n.metadata.name)).toEqual(expect.arrayContaining(['default', 'kube-system']));
    expect(ns.items.every((n) => n.kind === 'Namespace' && n.apiVersion === 'v1')).toBe(true);
    expect(Number(ns.resourceVersion)).toBeGreaterThan(0);
    const nodes = await client.list('Node');
    expect(nodes.items.map((n) => n.metadata.name)).toEqual(['node-1']);
    expect((await client.get('Namespace', '', 'default'))?.metadata.uid).toBe(live.engine.api.get('Namespace', '', 'default')?.metadata.uid);
    expect(await client.get('ConfigMap', 'default', 'nope')).toBeUndefined();
  });

  it('filters lists by label and field selectors on the server', async () => {
    await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'sel-a', labels: { tier: 'a' } } });
    await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'sel-b', labels: { tier: 'b' } } });
    const a = await client.list('configmaps', { namespace: 'default', labelSelector: 'tier=a' });
    expect(a.items.map((o) => o.metadata.name)).toEqual(['sel-a']);
    const b = await client.list('cm', { fieldSelector: 'metadata.name=sel-b' });
    expect(b.items.map((o) => o.metadata.name)).toEqual(['sel-b']);
  });

  it('watches: ADDED for what exists, then MODIFIED and DELETED as they happen', async () => {
    await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w1', labels: { watch: 'me' } }, data: { v: '1' } });
    const events: WatchEvent[] = [];
    const errors: Error[] = [];
    const sub = client.watch('ConfigMap', { namespace: 'default', labelSelector: 'watch=me' }, (e) => events.push(e), (e) => errors.push(e));
    try {
      await waitFor(() => events.length >= 1, 'the initial ADDED');
      expect(events[0]).toMatchObject({ type: 'ADDED', object: { kind: 'ConfigMap', metadata: { name: 'w1' } } });
      await client.patch('ConfigMap', 'default', 'w1', 'merge', { data: { v: '2' } });
      await waitFor(() => events.length >= 2, 'MODIFIED');
      expect(events[1].type).toBe('MODIFIED');
      expect(events[1].object.data).toEqual({ v: '2' });
      expect(events[1].oldObject?.data).toEqual({ v: '1' });
      await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w2', labels: { watch: 'me' } } });
      await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w3-unlabelled' } });
      await client.delete('ConfigMap', 'default', 'w1');
      await waitFor(() => events.length >= 4, 'ADDED w2 and DELETED w1');
      expect(events.slice(2).map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED w2', 'DELETED w1']);
      expect(errors).toEqual([]);
    } finally {
      sub.stop();
    }
  });

  it('watches from a given resourceVersion without listing first', async () => {
    const { resourceVersion } = await client.list('Secret', { namespace: 'default' });
    const events: WatchEvent[] = [];
    const sub = client.watch('Secret', { namespace: 'default', resourceVersion }, (e) => events.push(e));
    try {
      await client.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1' }, stringData: { a: 'b' } });
      await waitFor(() => events.length >= 1, 'ADDED s1');
      expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED s1']);
    } finally {
      sub.stop();
    }
  });

  it('applies like kubectl: created, unchanged, configured — and a field removed from the manifest disappears', async () => {
    const manifest = deployment('web', 'nginx:1.25', { labels: { app: 'web', team: 'blue' } });
    const first = await client.apply(manifest);
    expect(first.action).toBe('created');
    expect(first.object.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain('"team":"blue"');
    expect((await client.apply(manifest)).action).toBe('unchanged');

    const changed = deployment('web', 'nginx:1.26', { labels: { app: 'web' } });
    const second = await client.apply(changed);
    expect(second.action).toBe('configured');
    const stored = live.engine.api.get('Deployment', 'default', 'web')!;
    expect(stored.spec.template.spec.containers[0].image).toBe('nginx:1.26');
    expect(stored.metadata.labels).toEqual({ app: 'web' }); // team: removed from the manifest, removed from the object
    // A field only the server set (defaults, status) is left alone.
    expect(stored.spec.strategy?.type).toBe('RollingUpdate');
  });

  it('honours dry run: nothing is written', async () => {
    const res = await client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' }, data: { a: '1' } }, { dryRun: true });
    expect(res.action).toBe('created');
    expect(live.engine.api.get('ConfigMap', 'default', 'dry')).toBeUndefined();
  });

  it('scales through the scale subresource, and the pods appear', async () => {
    await client.apply(deployment('scaled', 'nginx:1.25'));
    await client.scale('deploy', 'default', 'scaled', 5);
    expect(live.engine.api.get('Deployment', 'default', 'scaled')?.spec.replicas).toBe(5);
    const pods = await waitFor(async () => {
      const l = await client.list('Pod', { namespace: 'default', labelSelector: 'app=scaled' });
      return l.items.length === 5 && l.items;
    }, '5 pods');
    expect(pods.every((p) => p.kind === 'Pod')).toBe(true);
    const err = await caught(client.scale('ConfigMap', 'default', 'x', 1));
    expect(err.code).toBe(404);
  }, 20_000);

  it('rolls back to the previous revision, reusing the old ReplicaSet (kubectl rollout undo)', async () => {
    const v1 = await client.apply(deployment('roll', 'nginx:1.25'));
    const uid = v1.object.metadata.uid;
    const rs1 = await waitFor(async () => (await client.list('rs', { namespace: 'default' })).items.find(ownedBy(uid)), 'revision 1');
    await client.apply(deployment('roll', 'nginx:1.26'));
    await waitFor(async () => (await client.list('rs', { namespace: 'default' })).items.filter(ownedBy(uid)).length === 2, 'revision 2');

    expect(await client.rollback('default', 'roll')).toEqual({ from: 2, to: 1 });
    const d = live.engine.api.get('Deployment', 'default', 'roll')!;
    expect(d.spec.template.spec.containers[0].image).toBe('nginx:1.25');
    // The controller re-adopts the old ReplicaSet as revision 3; no third ReplicaSet.
    await waitFor(async () => {
      const rs = (await client.list('rs', { namespace: 'default' })).items.filter(ownedBy(uid));
      const old = rs.find((r) => r.metadata.name === rs1.metadata.name);
      return rs.length === 2 && old?.metadata.annotations?.['deployment.kubernetes.io/revision'] === '3';
    }, 'the old ReplicaSet as revision 3');

    const none = await caught(client.rollback('default', 'roll', 9));
    expect(none.message).toBe('unable to find specified revision 9 in history');
  }, 20_000);

  it('restarts a Deployment by stamping the pod template', async () => {
    await client.apply(deployment('restarted', 'nginx:1.25'));
    await client.restart('deployment', 'default', 'restarted');
    const ann = live.engine.api.get('Deployment', 'default', 'restarted')?.spec?.template?.metadata?.annotations;
    expect(ann?.['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect((await caught(client.restart('ConfigMap', 'default', 'x'))).message).toBe('configmaps "x" restarting is not supported');
  });

  it('deletes with a propagation policy; the dependents go too', async () => {
    const d = await client.apply(deployment('gone', 'nginx:1.25'));
    await waitFor(async () => (await client.list('rs', { namespace: 'default' })).items.some(ownedBy(d.object.metadata.uid)), 'its ReplicaSet');
    await client.delete('Deployment', 'default', 'gone', { propagationPolicy: 'Foreground' });
    await waitFor(async () => !(await client.get('Deployment', 'default', 'gone')), 'the Deployment to go');
    await waitFor(async () => !(await client.list('rs', { namespace: 'default' })).items.some(ownedBy(d.object.metadata.uid)), 'its ReplicaSet to go');
  }, 20_000);

  it('streams the logs of a simulated pod, each line with its container and time', async () => {
    await client.apply(deployment('talk', 'busybox:1.36'));
    const pod = await waitFor(async () => {
      const l = await client.list('Pod', { namespace: 'default', labelSelector: 'app=talk' });
      return l.items.find((p) => p.status?.phase === 'Running');
    }, 'a running pod');
    const lines: LogLine[] = [];
    const ended = await new Promise<Error | undefined>((resolve) => {
      client.logs('default', pod.metadata.name!, {}, (l) => lines.push(l), resolve);
    });
    expect(ended).toBeUndefined();
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]).toMatchObject({ pod: pod.metadata.name, container: 'main', text: expect.stringContaining('starting main (image busybox:1.36') });
    expect(lines[0].time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(lines[0].text).not.toMatch(/^\d{4}-/);

    const tail: LogLine[] = [];
    await new Promise<void>((resolve) => client.logs('default', pod.metadata.name!, { tailLines: 1 }, (l) => tail.push(l), () => resolve()));
    expect(tail).toHaveLength(1);

    const missing = await new Promise<Error | undefined>((resolve) => client.logs('default', 'no-such-pod', {}, () => {}, resolve));
    expect(missing?.message).toBe('pods "no-such-pod" not found');
  }, 20_000);

  it('cordons, uncordons and drains a node, evicting its pods', async () => {
    await client.cordon('node-1', true);
    expect(live.engine.api.get('Node', '', 'node-1')?.spec?.unschedulable).toBe(true);
    await client.cordon('node-1', false);
    expect(live.engine.api.get('Node', '', 'node-1')?.spec?.unschedulable).toBeUndefined();

    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'drain' } });
    await client.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'lonely', namespace: 'drain' },
      spec: { containers: [{ name: 'main', image: 'busybox' }], terminationGracePeriodSeconds: 0 },
    });
    await waitFor(() => live.engine.api.get('Pod', 'drain', 'lonely')?.spec.nodeName, 'the pod to be scheduled');
    await client.drain('node-1');
    expect(live.engine.api.get('Node', '', 'node-1')?.spec?.unschedulable).toBe(true);
    await waitFor(() => !live.engine.api.get('Pod', 'drain', 'lonely') || live.engine.api.get('Pod', 'drain', 'lonely')?.metadata.deletionTimestamp, 'the pod to be evicted');
    await client.cordon('node-1', false);
  }, 20_000);

  it('creates a Job from a CronJob, owned by it and marked manual', async () => {
    const cj = await client.create({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly' },
      spec: {
        schedule: '0 3 * * *',
        suspend: true,
        jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'busybox' }] } } } },
      },
    });
    const job = await client.triggerCronJob('default', 'nightly');
    expect(job.metadata.name).toMatch(/^nightly-manual-[a-z0-9]{3}$/);
    expect(job.metadata.annotations?.['cronjob.kubernetes.io/instantiate']).toBe('manual');
    expect(job.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'nightly', uid: cj.metadata.uid, controller: true });
    expect(live.engine.api.get('Job', 'default', job.metadata.name!)).toBeDefined();
  });

  it('updates with optimistic concurrency, and a stale write is a Conflict', async () => {
    const cm = await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'occ' }, data: { a: '1' } });
    const updated = await client.update({ ...cm, data: { a: '2' } });
    expect(updated.data).toEqual({ a: '2' });
    const stale = await caught(client.update({ ...cm, data: { a: '3' } }));
    expect(stale.reason).toBe('Conflict');
    expect(stale.message).toContain('the object has been modified; please apply your changes to the latest version and try again');
  });

  it('patches with JSON, merge and strategic patches', async () => {
    await client.apply(deployment('patched', 'nginx:1.25'));
    await client.patch('Deployment', 'default', 'patched', 'json', [{ op: 'replace', path: '/spec/replicas', value: 2 }]);
    await client.patch('Deployment', 'default', 'patched', 'merge', { metadata: { labels: { merged: 'yes' } } });
    await client.patch('Deployment', 'default', 'patched', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'side', image: 'busybox' }] } } },
    });
    const d = live.engine.api.get('Deployment', 'default', 'patched')!;
    expect(d.spec.replicas).toBe(2);
    expect(d.metadata.labels).toMatchObject({ merged: 'yes' });
    // Strategic merge adds by name instead of replacing the list.
    expect(d.spec.template.spec.containers.map((c: { name: string }) => c.name).sort()).toEqual(['main', 'side']);
  });
});

describe('KubeClient errors, in Kubernetes’ words', () => {
  it('maps Status answers to the StatusErrors the embedded client throws', async () => {
    await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dup' } });
    const dup = await caught(client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dup' } }));
    expect(dup).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'configmaps "dup" already exists' });

    const missing = await caught(client.patch('Deployment', 'default', 'nope', 'merge', { spec: {} }));
    expect(missing).toMatchObject({ code: 404, reason: 'NotFound', message: 'deployments.apps "nope" not found' });

    const bad = await caught(client.apply(deployment('bad', 'nginx', { replicas: -1 })));
    expect(bad.reason).toBe('Invalid');
    expect(bad.message).toContain('Deployment.apps "bad" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    expect(bad.details?.causes?.[0]).toMatchObject({ field: 'spec.replicas' });

    const kind = await caught(client.list('gizmos'));
    expect(kind.message).toBe('the server doesn\'t have a resource type "gizmos"');

    const crd = await caught(client.apply({ apiVersion: 'example.com/v1', kind: 'Gizmo', metadata: { name: 'g' } }));
    expect(crd.message).toBe('resource mapping not found for kind "Gizmo" in version "example.com/v1": ensure CRDs are installed first');
  });

  it('says when the token is wrong, in kubectl’s words', async () => {
    const cfg = join(live.dir, 'bad-token');
    await writeFile(cfg, readFileSync(live.kubeconfig, 'utf8').replace(live.token, 'not-the-token'));
    const err = await KubeClient.fromKubeconfig(cfg).catch((e) => e);
    expect(isStatusError(err)).toBe(true);
    expect(err).toMatchObject({
      code: 401,
      reason: 'Unauthorized',
      message: 'You must be logged in to the server (Unauthorized): the credentials of kubeconfig context "kubeterm" were refused',
    });
  });

  it('names the server and context when nothing answers, and a context that does not exist', async () => {
    const cfg = join(live.dir, 'nowhere');
    await writeFile(cfg, readFileSync(live.kubeconfig, 'utf8').replace(live.url, 'https://127.0.0.1:1'));
    await expect(KubeClient.fromKubeconfig(cfg)).rejects.toThrow(
      'cannot reach the Kubernetes API server at https://127.0.0.1:1 (kubeconfig context "kubeterm"): connection refused',
    );
    await expect(KubeClient.fromKubeconfig(live.kubeconfig, 'prod')).rejects.toThrow(`context "prod" does not exist in ${live.kubeconfig} (it has: kubeterm)`);
    await expect(KubeClient.fromKubeconfig(join(live.dir, 'missing'))).rejects.toThrow(/^cannot load kubeconfig .*missing: /);
  });

  it('reports a watch of an unknown kind through onError instead of throwing', async () => {
    const err = await new Promise<Error>((resolve) => client.watch('gizmos', {}, () => {}, resolve));
    expect(err.message).toBe('the server doesn\'t have a resource type "gizmos"');
  });
});

const KUBECTL = '/usr/bin/kubectl';
const hasKubectl = existsSync(KUBECTL);
if (!hasKubectl) console.warn(`test/client/kube.test.ts: kubectl parity tests skipped: ${KUBECTL} is not installed`);

function kubectl(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: live.dir, KUBECONFIG: live.kubeconfig };
    const child = execFile(KUBECTL, ['--cache-dir', join(live.dir, 'kubectl-cache'), ...args], { env, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code) || 1 : 0, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin?.end(stdin ?? '');
  });
}

describe.skipIf(!hasKubectl && !process.env.CI)('KubeClient.apply and the real kubectl agree', () => {
  it('kubectl finds nothing to change after KubeClient applied, and the other way round', async () => {
    const a = deployment('parity-a', 'nginx:1.25', { labels: { app: 'parity-a', team: 'red' } });
    expect((await client.apply(a)).action).toBe('created');
    const first = await kubectl(['apply', '-f', '-'], JSON.stringify(a));
    expect(first.stderr).toBe('');
    expect(first.stdout.trim()).toBe('deployment.apps/parity-a unchanged');

    const b = deployment('parity-b', 'nginx:1.25', { labels: { app: 'parity-b' } });
    const second = await kubectl(['apply', '-f', '-'], JSON.stringify(b));
    expect(second.stdout.trim()).toBe('deployment.apps/parity-b created');
    expect((await client.apply(b)).action).toBe('unchanged');
    // The same annotation, byte for byte, whoever applied.
    const annA = live.engine.api.get('Deployment', 'default', 'parity-a')!.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration'];
    const annB = live.engine.api.get('Deployment', 'default', 'parity-b')!.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration'];
    expect(annA.replaceAll('parity-a', 'X').replace(',"team":"red"', '')).toBe(annB.replaceAll('parity-b', 'X'));
  }, 60_000);
});

// The ServiceAccount admission plugin through the Api door: defaulting of
// serviceAccountName, the refusal of a missing ServiceAccount in Kubernetes'
// words, and the kube-api-access projected volume exactly as Kubernetes
// writes it (names, order, modes, the 3607 s token), honouring
// automountServiceAccountToken on the pod and on the ServiceAccount and an
// existing mount at the token path.
import { beforeEach, describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import { defaultAdmissionPlugins, DEFAULT_API_TOKEN_MOUNT_PATH } from '../../src/api/admission/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { Pod } from '../../src/api/types/pod.js';
import { FakeClock } from '../../src/util/clock.js';
import { MemoryStore } from '../../state/store.js';

let api: Api;

function newApi(mountToken = true): Api {
  const clock = new FakeClock();
  const store = new MemoryStore({ now: () => clock.now() });
  return new Api({ store, now: () => clock.now(), admission: defaultAdmissionPlugins({ serviceAccount: { mountToken, randomSuffix: () => 'x7k2q' } }) });
}

async function ns(name: string): Promise<void> {
  await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

function pod(name: string, spec: Partial<Pod['spec']> = {}, namespace = 'team'): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'app', image: 'busybox' }], ...spec } };
}

beforeEach(async () => {
  api = newApi();
  await ns('team');
  await api.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'team' } });
});

describe('ServiceAccount admission', () => {
  it('defaults serviceAccountName to default and adds kube-api-access-xxxxx exactly as Kubernetes names and shapes it', async () => {
    const p = (await api.create(pod('web', { initContainers: [{ name: 'init', image: 'busybox' }] }))) as Pod;
    expect(p.spec.serviceAccountName).toBe('default');
    expect(p.spec.serviceAccount).toBe('default');
    expect(p.spec.volumes).toEqual([
      {
        name: 'kube-api-access-x7k2q',
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          ],
        },
      },
    ]);
    const mount = { name: 'kube-api-access-x7k2q', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };
    expect(p.spec.containers[0].volumeMounts).toEqual([mount]);
    expect(p.spec.initContainers![0].volumeMounts).toEqual([mount]);
  });

  it('refuses a ServiceAccount that does not exist, in Kubernetes words', async () => {
    await expect(api.create(pod('web', { serviceAccountName: 'robot' }))).rejects.toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message: 'pods "web" is forbidden: error looking up service account team/robot: serviceaccount "robot" not found',
    });
    await api.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot', namespace: 'team' } });
    const p = (await api.create(pod('web', { serviceAccountName: 'robot' }))) as Pod;
    expect(p.spec.serviceAccountName).toBe('robot');
    expect(p.spec.volumes?.[0].name).toBe('kube-api-access-x7k2q');
  });

  it('admits a pod while the `default` ServiceAccount of an active namespace is still being created (Kubernetes waits for it)', async () => {
    await ns('fresh');
    const p = (await api.create(pod('early', {}, 'fresh'))) as Pod;
    expect(p.spec.serviceAccountName).toBe('default');
    expect(p.spec.volumes?.[0].name).toBe('kube-api-access-x7k2q');
    // A namespace that does not exist has no default ServiceAccount coming.
    await expect(api.create(pod('lost', {}, 'nowhere'))).rejects.toThrow('error looking up service account nowhere/default: serviceaccount "default" not found');
  });

  it('honours automountServiceAccountToken: the pod wins over the ServiceAccount', async () => {
    await api.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'quiet', namespace: 'team' }, automountServiceAccountToken: false });
    const offOnPod = (await api.create(pod('a', { automountServiceAccountToken: false }))) as Pod;
    expect(offOnPod.spec.volumes ?? []).toEqual([]);
    expect(offOnPod.spec.containers[0].volumeMounts ?? []).toEqual([]);
    const offOnSA = (await api.create(pod('b', { serviceAccountName: 'quiet' }))) as Pod;
    expect(offOnSA.spec.volumes ?? []).toEqual([]);
    const podWins = (await api.create(pod('c', { serviceAccountName: 'quiet', automountServiceAccountToken: true }))) as Pod;
    expect(podWins.spec.volumes?.map((v) => v.name)).toEqual(['kube-api-access-x7k2q']);
  });

  it('keeps a container that already mounts something at the token path as it is', async () => {
    const p = (await api.create(
      pod('own', {
        volumes: [{ name: 'mine', secret: { secretName: 'tok' } }],
        containers: [
          { name: 'own', image: 'busybox', volumeMounts: [{ name: 'mine', mountPath: DEFAULT_API_TOKEN_MOUNT_PATH }] },
          { name: 'other', image: 'busybox' },
        ],
      }),
    )) as Pod;
    expect(p.spec.containers[0].volumeMounts).toEqual([{ name: 'mine', mountPath: DEFAULT_API_TOKEN_MOUNT_PATH }]);
    expect(p.spec.containers[1].volumeMounts).toEqual([{ name: 'kube-api-access-x7k2q', readOnly: true, mountPath: DEFAULT_API_TOKEN_MOUNT_PATH }]);
    expect(p.spec.volumes?.map((v) => v.name)).toEqual(['mine', 'kube-api-access-x7k2q']);
    // Every container has its own: no volume is added.
    const all = (await api.create(pod('all', { volumes: [{ name: 'mine', secret: { secretName: 'tok' } }], containers: [{ name: 'own', image: 'busybox', volumeMounts: [{ name: 'mine', mountPath: DEFAULT_API_TOKEN_MOUNT_PATH }] }] }))) as Pod;
    expect(all.spec.volumes?.map((v) => v.name)).toEqual(['mine']);
  });

  it('reuses an existing kube-api-access-* volume instead of adding a second', async () => {
    const p = (await api.create(pod('re', { volumes: [{ name: 'kube-api-access-abcde', emptyDir: {} }] }))) as Pod;
    expect(p.spec.volumes?.map((v) => v.name)).toEqual(['kube-api-access-abcde']);
    expect(p.spec.containers[0].volumeMounts?.[0].name).toBe('kube-api-access-abcde');
  });

  it('copies the ServiceAccount imagePullSecrets when the pod has none', async () => {
    await api.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'puller', namespace: 'team' }, imagePullSecrets: [{ name: 'regcred' }] });
    const p = (await api.create(pod('pull', { serviceAccountName: 'puller' }))) as Pod;
    expect(p.spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    const own = (await api.create(pod('own', { serviceAccountName: 'puller', imagePullSecrets: [{ name: 'mine' }] }))) as Pod;
    expect(own.spec.imagePullSecrets).toEqual([{ name: 'mine' }]);
  });

  it('changes nothing on update, and mounts nothing without an API server (mountToken false)', async () => {
    const p = (await api.create(pod('web'))) as Pod;
    const updated = (await api.modify('Pod', 'team', 'web', (o) => {
      o.metadata.labels = { a: 'b' };
    })) as Pod;
    expect(updated.spec.volumes).toEqual(p.spec.volumes);
    api = newApi(false);
    await ns('team');
    const bare = (await api.create(pod('web'))) as Pod;
    expect(bare.spec.serviceAccountName).toBe('default');
    expect(bare.spec.volumes ?? []).toEqual([]);
    expect(bare.spec.containers[0].volumeMounts ?? []).toEqual([]);
  });
});

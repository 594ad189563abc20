// ServiceAccounts and the API from inside real containers — issue #14: a
// Docker pod finds its identity where every Kubernetes client library looks
// (/var/run/secrets/kubernetes.io/serviceaccount/{token,ca.crt,namespace},
// mounted read-only) and the API in its environment (KUBERNETES_SERVICE_HOST);
// through the `kubernetes` Service's ClusterIP on kubeterm0 and the cluster
// DNS it reaches https://kubernetes.default.svc and verifies the serving
// certificate with the mounted ca.crt. The test image's curl does that (busybox
// wget speaks TLS but never checks a certificate; .ci/docker-setup.sh copies
// the host's curl into the image for this). With a Role allowing pods, the pod
// lists pods with its own token and is refused secrets with 403.
// Private service range 10.103.0.0/16; traffic stays on this machine.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { Engine } from '../../src/engine.js';
import { dockerOrSkipReason } from '../runtime/docker-env.js';
import { interfaceOrSkip, until } from './network-docker-helpers.js';

const env = await dockerOrSkipReason();
const CIDR = '10.103.0.0/16';
const KUBERNETES_IP = '10.103.0.1';
const NS = 'sa-e2e';
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

function idlePod(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'c', image: 'kubeterm/busybox:latest', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1; done'] }],
      ...spec,
    },
  };
}

const b64json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

describe.skipIf(!env.docker)('ServiceAccount tokens and the API from inside Docker pods', { timeout: 180_000 }, () => {
  let engine: Engine;
  let dir: string;
  let onIface = false;
  const sh = async (pod: string, cmd: string) => {
    const r = await engine.exec(NS, pod, undefined, ['sh', '-c', cmd]);
    return { code: r.exitCode, out: r.stdout + r.stderr };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubeterm-sadocker-'));
    engine = new Engine({
      persist: false,
      runtime: 'docker',
      nodes: 1,
      dataDir: dir,
      network: { serviceCIDR: CIDR, ingress: false },
      apiServer: { host: '127.0.0.1', port: 0 },
    });
    await engine.start();
    expect(engine.apiServer?.error).toBeUndefined();
    onIface = interfaceOrSkip(engine);
    const api = engine.api;
    await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    await api.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader', namespace: NS } });
    await api.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'pod-reader', namespace: NS },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
    });
    await api.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'reader-reads-pods', namespace: NS },
      subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: NS }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
    });
    await api.create(idlePod('plain'));
    await api.create(idlePod('reader', { serviceAccountName: 'reader' }));
    await api.create(idlePod('sealed', { automountServiceAccountToken: false }));
    await until('the three pods running', () => ['plain', 'reader', 'sealed'].every((p) => api.get('Pod', NS, p)?.status?.phase === 'Running'), 120_000);
  });

  afterAll(async () => {
    if (!engine) return;
    for (const p of ['plain', 'reader', 'sealed']) await engine.api.delete('Pod', NS, p, { gracePeriodSeconds: 1 }).catch(() => undefined);
    await until('the pods to be gone', () => engine.api.list('Pod', { namespace: NS }).items.length === 0, 60_000).catch(() => undefined);
    await engine.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the cluster has the default ServiceAccount, kube-root-ca.crt and the kubernetes Service at the first ClusterIP', () => {
    const api = engine.api;
    expect(api.get('ServiceAccount', NS, 'default')).toBeDefined();
    const caPEM = readFileSync(join(dir, 'apiserver.crt'), 'utf8');
    expect(api.get('ConfigMap', NS, 'kube-root-ca.crt')?.data).toEqual({ 'ca.crt': caPEM });
    const svc = api.get('Service', 'default', 'kubernetes')!;
    expect(svc.spec).toMatchObject({ clusterIP: KUBERNETES_IP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: Number(new URL(engine.apiServer!.url!).port) }] });
    const pod = api.get('Pod', NS, 'plain')!;
    expect(pod.spec.serviceAccountName).toBe('default');
    expect(pod.spec.volumes!.map((v: { name: string }) => v.name)).toEqual([expect.stringMatching(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/)]);
    expect(api.get('Pod', NS, 'sealed')!.spec.volumes ?? []).toEqual([]);
  });

  it('a pod reads token, ca.crt and namespace from the read-only mount, and has KUBERNETES_SERVICE_HOST', async () => {
    const token = (await sh('reader', `cat ${SA_DIR}/token`)).out.trim();
    const [header, payload] = token.split('.');
    expect(b64json(header)).toMatchObject({ alg: 'ES256' });
    const pod = engine.api.get('Pod', NS, 'reader')!;
    expect(b64json(payload)).toMatchObject({
      sub: `system:serviceaccount:${NS}:reader`,
      'kubernetes.io': { namespace: NS, serviceaccount: { name: 'reader' }, pod: { name: 'reader', uid: pod.metadata.uid } },
    });
    expect((await sh('reader', `cat ${SA_DIR}/ca.crt`)).out).toBe(readFileSync(join(dir, 'apiserver.crt'), 'utf8'));
    expect((await sh('reader', `cat ${SA_DIR}/namespace`)).out).toBe(NS);
    const write = await sh('reader', `touch ${SA_DIR}/x 2>&1`);
    expect(write.code).not.toBe(0);
    expect(write.out).toMatch(/Read-only file system/);
    const vars = Object.fromEntries((await sh('reader', 'env')).out.split('\n').filter((l) => l.startsWith('KUBERNETES_')).map((l) => l.split('=') as [string, string]));
    expect(vars).toMatchObject({
      KUBERNETES_SERVICE_HOST: KUBERNETES_IP,
      KUBERNETES_SERVICE_PORT: '443',
      KUBERNETES_SERVICE_PORT_HTTPS: '443',
      KUBERNETES_PORT: `tcp://${KUBERNETES_IP}:443`,
      KUBERNETES_PORT_443_TCP_ADDR: KUBERNETES_IP,
    });
    // automountServiceAccountToken: false: no directory at all.
    expect((await sh('sealed', `ls ${SA_DIR} 2>&1`)).code).not.toBe(0);
  });

  it('reaches https://kubernetes.default.svc and $KUBERNETES_SERVICE_HOST, verifying the server with the mounted ca.crt', async () => {
    if (!onIface) return;
    for (const url of ['https://kubernetes.default.svc/version', 'https://kubernetes.default.svc.cluster.local/version', `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT/version`]) {
      const r = await until(`curl ${url}`, async () => {
        const res = await sh('plain', `curl -sS --max-time 5 --cacert ${SA_DIR}/ca.crt ${url}`);
        return res.code === 0 ? res : undefined;
      }, 20_000);
      expect(JSON.parse(r.out), url).toHaveProperty('gitVersion');
    }
    // The same certificate is not valid for another name: curl refuses it (the check is real).
    const wrong = await sh('plain', `curl -sS --max-time 5 --cacert ${SA_DIR}/ca.crt --resolve wrong.example:443:${KUBERNETES_IP} https://wrong.example/version 2>&1`);
    expect(wrong.code).not.toBe(0);
    expect(wrong.out).toMatch(/certificate|SSL/i);
  });

  it('with its own token, a pod bound to pod-reader lists pods (200) and is refused secrets (403)', async () => {
    if (!onIface) return;
    const curl = (path: string) =>
      sh('reader', `curl -sS --max-time 5 --cacert ${SA_DIR}/ca.crt -H "Authorization: Bearer $(cat ${SA_DIR}/token)" -w '\\n%{http_code}' https://kubernetes.default.svc${path}`);
    const pods = await until('a pod list answer', async () => {
      const r = await curl(`/api/v1/namespaces/${NS}/pods`);
      return r.code === 0 ? r : undefined;
    }, 20_000);
    const status = pods.out.trim().split('\n').pop();
    expect(status).toBe('200');
    const list = JSON.parse(pods.out.trim().split('\n').slice(0, -1).join('\n'));
    expect(list.items.map((p: KubeObject) => p.metadata.name).sort()).toEqual(['plain', 'reader', 'sealed']);
    const secrets = await curl(`/api/v1/namespaces/${NS}/secrets`);
    const lines = secrets.out.trim().split('\n');
    expect(lines.pop()).toBe('403');
    expect(JSON.parse(lines.join('\n'))).toMatchObject({
      kind: 'Status',
      code: 403,
      reason: 'Forbidden',
      message: `secrets is forbidden: User "system:serviceaccount:${NS}:reader" cannot list resource "secrets" in API group "" in the namespace "${NS}"`,
    });
  });
});

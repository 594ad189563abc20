// The UI's describe against the real `kubectl describe`, line for line: the
// seed pods, Deployment and Service (examples/seeds, from ../shared/seeds) and
// a pod, NodePort Service and Deployment that use what the seeds do not
// (probes, limits and requests, env from ConfigMap/Secret keys and whole
// objects, fieldRef and resourceFieldRef, mounts, emptyDir/configMap/secret/
// hostPath/downwardAPI volumes, node selectors, tolerations, an init container),
// plus both nodes — applied with kubectl to an engine on the simulated runtime
// with its API server. The UI's describe reads the objects through the
// ClusterClient the UI uses, as its watch cache holds them.
//
// The only thing normalised is time: kubectl computes ages (events, a node's
// pods) at some instant while it runs, so ours is computed for each
// millisecond between just before kubectl started and just after it ended,
// and one of those must equal kubectl's output exactly.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { EmbeddedClient } from '../../src/client/embedded.js';
import { describe as describeObject } from '../../components/logic/describe.js';
import { kubectlAvailable } from '../apiserver/harness.js';
import { useKubectlEngine, type KubectlEngine } from './kubectl-engine-harness.js';

const HAVE_KUBECTL = kubectlAvailable();
const seeds = join(import.meta.dirname, '../../examples/seeds');
const SEED_FILES = [
  'app-config.yaml',
  'app-secret.yaml',
  'app-pod.yaml',
  'nginx-pod.yaml',
  'my-app-pod.yaml',
  'my-pod.json',
  'mysql-pv.yaml',
  'mysql-pvc.yaml',
  'mysql-pod.yaml',
  'nginx-deployment.yaml',
  'my-service.yaml',
];

const RICH = `
apiVersion: v1
kind: Pod
metadata:
  name: rich
  labels: {app: rich, tier: web}
  annotations: {note: "hello", long: "a very long annotation value that goes on and on and on well past the one hundred and forty characters kubectl allows before folding it"}
spec:
  nodeSelector: {kubernetes.io/os: linux}
  tolerations:
  - {key: dedicated, operator: Equal, value: web, effect: NoSchedule}
  - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
  - {operator: Exists}
  initContainers:
  - {name: init, image: busybox, command: ["sh", "-c", "echo init"]}
  containers:
  - name: web
    image: nginx:1.25
    command: ["nginx"]
    args: ["-g", "daemon off;"]
    ports:
    - {name: http, containerPort: 8080}
    - {containerPort: 9090, protocol: UDP}
    resources:
      limits: {cpu: "1", memory: 256Mi}
      requests: {cpu: 250m, memory: 0.125Gi}
    livenessProbe: {httpGet: {path: /healthz, port: 8080}}
    readinessProbe: {tcpSocket: {port: http}, initialDelaySeconds: 5}
    startupProbe: {exec: {command: [cat, /tmp/ready]}, failureThreshold: 30}
    envFrom:
    - {configMapRef: {name: app-config}, prefix: CFG_}
    - {secretRef: {name: app-secret, optional: true}}
    env:
    - {name: PLAIN, value: "one\\ntwo"}
    - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: MEM_LIMIT, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
    - {name: CPU_REQ, valueFrom: {resourceFieldRef: {resource: requests.cpu, divisor: 1m}}}
    - {name: OPT, valueFrom: {configMapKeyRef: {name: app-config, key: APP_ENV, optional: true}}}
    - {name: PW, valueFrom: {secretKeyRef: {name: app-secret, key: DB_PASSWORD}}}
    volumeMounts:
    - {name: cache, mountPath: /cache}
    - {name: cfg, mountPath: /etc/cfg, readOnly: true, subPath: app}
    - {name: sec, mountPath: /etc/sec}
    - {name: host, mountPath: /host}
    - {name: info, mountPath: /info}
  volumes:
  - {name: cache, emptyDir: {sizeLimit: 1Gi}}
  - {name: cfg, configMap: {name: app-config}}
  - {name: sec, secret: {secretName: app-secret, optional: false}}
  - {name: host, hostPath: {path: /data}}
  - name: info
    downwardAPI:
      items:
      - {path: labels, fieldRef: {fieldPath: metadata.labels}}
      - {path: cpu, resourceFieldRef: {containerName: web, resource: limits.cpu}}
---
apiVersion: v1
kind: Service
metadata: {name: rich-np, labels: {app: rich}}
spec:
  type: NodePort
  selector: {app: rich}
  ports:
  - {name: http, port: 80, targetPort: http}
  - {name: metrics, port: 9090, targetPort: 9090, protocol: UDP}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: rich-deploy, labels: {app: rich-deploy}}
spec:
  replicas: 2
  strategy: {type: Recreate}
  selector:
    matchLabels: {app: rich-deploy}
    matchExpressions: [{key: tier, operator: In, values: [web, api]}]
  template:
    metadata: {labels: {app: rich-deploy, tier: web}, annotations: {team: core}}
    spec:
      serviceAccountName: default
      containers:
      - name: app
        image: nginx:1.25
        env: [{name: A, value: b}]
        resources: {requests: {cpu: 100m, memory: 64Mi}}
        readinessProbe: {httpGet: {path: /ready, port: 80, scheme: HTTPS, host: example.com}}
      tolerations: [{key: k, operator: Exists}]
`;

/** The kinds the UI's describe reads besides the object (its lookup, as the watch cache serves them). */
const RELATED = ['Event', 'ReplicaSet', 'Pod', 'Endpoints', 'Lease'];

describe.skipIf(!HAVE_KUBECTL)('describe matches kubectl describe', { timeout: 180_000 }, () => {
  let k: KubectlEngine;
  let client: EmbeddedClient;

  useKubectlEngine('describe-matches', {}, async (started) => {
    k = started;
    client = k.engine.client();
    const rich = join(k.home, 'rich.yaml');
    writeFileSync(rich, RICH);
    await k.kubectl('apply', ...SEED_FILES.flatMap((f) => ['-f', join(seeds, f)]), '-f', rich);
    await k.kubectl('wait', '--for=condition=Ready', 'pod/app-pod', 'pod/nginx-pod', 'pod/my-app', 'pod/my-pod', 'pod/mysql-pod', '--timeout=60s');
    await k.kubectl('rollout', 'status', 'deployment/nginx-deployment', '--timeout=60s');
    await k.kubectl('rollout', 'status', 'deployment/rich-deploy', '--timeout=60s');
    await k.kubectl('wait', '--for=condition=PodScheduled', 'pod/rich', '--timeout=60s');
  });

  /** What the UI sees: the object and the related lists, with a fingerprint to tell whether anything moved meanwhile. */
  async function snapshot(kind: string, namespace: string, name: string) {
    const obj = await client.get(kind, namespace, name);
    if (!obj) throw new Error(`${kind} ${namespace}/${name} not found`);
    const related = new Map<string, KubeObject[]>();
    for (const r of RELATED) related.set(r, (await client.list(r)).items);
    const fingerprint = [obj, ...[...related.values()].flat()].map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}@${o.metadata.resourceVersion}`).join(',');
    return { obj, related, fingerprint };
  }

  async function expectSameAsKubectl(kind: string, resource: string, namespace: string, name: string): Promise<void> {
    let ours = '';
    let theirs = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = await snapshot(kind, namespace, name);
      const t0 = Date.now();
      theirs = (await k.kubectl('describe', resource, name, ...(namespace ? ['-n', namespace] : []))).replace(/\n$/, '');
      const t1 = Date.now();
      const after = await snapshot(kind, namespace, name);
      if (after.fingerprint !== before.fingerprint) continue; // a heartbeat or a status write landed in between: look again
      const { obj, related } = before;
      const at = (now: number) => describeObject(obj, related.get('Event')!, now, !!namespace, { lookup: (kk) => related.get(kk) ?? [] });
      for (let now = t0; now <= t1; now++) {
        ours = at(now);
        if (ours === theirs) return;
      }
      ours = at(t1);
      break;
    }
    expect(ours.split('\n')).toEqual(theirs.split('\n'));
  }

  it.each([
    ['app-pod', 'env from ConfigMap and Secret keys'],
    ['nginx-pod', 'a port and labels'],
    ['my-app', 'a second seed pod'],
    ['my-pod', 'the JSON seed'],
    ['mysql-pod', 'a PVC volume and a mount'],
    ['rich', 'probes, resources, envFrom, volumes, tolerations, an init container'],
  ])('pod %s (%s)', async (name) => {
    await expectSameAsKubectl('Pod', 'pod', 'default', name);
  });

  it('a pod of the seed Deployment, controlled by its ReplicaSet', async () => {
    const pod = (await client.list('Pod', { namespace: 'default' })).items.find((p) => p.metadata.name?.startsWith('nginx-deployment-'));
    await expectSameAsKubectl('Pod', 'pod', 'default', pod!.metadata.name!);
  });

  it.each(['nginx-deployment', 'rich-deploy'])('deployment %s', async (name) => {
    await expectSameAsKubectl('Deployment', 'deployment', 'default', name);
  });

  it('the seed Deployment’s ReplicaSet', async () => {
    const rs = (await client.list('ReplicaSet', { namespace: 'default' })).items.find((r) => r.metadata.name?.startsWith('nginx-deployment-'));
    await expectSameAsKubectl('ReplicaSet', 'replicaset', 'default', rs!.metadata.name!);
  });

  it.each(['my-service', 'rich-np', 'kubernetes'])('service %s', async (name) => {
    await expectSameAsKubectl('Service', 'service', 'default', name);
  });

  it.each(['node-1', 'node-2'])('node %s', async (name) => {
    await expectSameAsKubectl('Node', 'node', '', name);
  });

  it('the header’s server version is the one /version reports', async () => {
    const v = JSON.parse(await k.kubectl('version', '-o', 'json')) as { serverVersion: { gitVersion: string } };
    expect(client.info.serverVersion).toBe(v.serverVersion.gitVersion);
  });
});

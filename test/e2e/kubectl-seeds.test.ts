// The seed documents' remaining examples through the real kubectl against the
// whole embedded engine (simulated runtime, its HTTPS API server and
// kubeconfig): ConfigMap + Secret + a Pod taking env from both; the hostPath
// PV + PVC + Pod and a claim of the default StorageClass; the HPA example and
// `kubectl autoscale` scaling a Deployment on the runtime's metrics; the
// Ingress, the Service and a JSON manifest; namespaces. (Deployments, scale,
// set image and rollout status/history/undo are in kubectl-engine.test.ts.)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { kubectlAvailable } from '../apiserver/harness.js';
import { until } from '../helpers/wait.js';
import { cpuHpa } from '../helpers/manifests.js';
import { useKubectlEngine, type KubectlEngine } from './kubectl-engine-harness.js';

const HAVE_KUBECTL = kubectlAvailable();
const seeds = join(import.meta.dirname, '../../examples/seeds');
const seed = (f: string) => join(seeds, f);

describe.skipIf(!HAVE_KUBECTL)('the seed manifests through kubectl against the embedded engine', { timeout: 120_000 }, () => {
  let k: KubectlEngine;
  let home: string;
  const kubectl = (...args: string[]) => k.kubectl(...args);
  const kubectlFails = (...args: string[]) => k.kubectlFails(...args);

  useKubectlEngine('kubectl-seeds', {}, (started) => {
    k = started;
    home = k.home;
  });

  it('ConfigMap and Secret, and a Pod with env from both', async () => {
    const out = await kubectl('apply', '-f', seed('app-config.yaml'), '-f', seed('app-secret.yaml'), '-f', seed('app-pod.yaml'));
    expect(out).toMatch(/^configmap\/app-config created$/m);
    expect(out).toMatch(/^secret\/app-secret created$/m);
    expect(out).toMatch(/^pod\/app-pod created$/m);
    expect(await kubectl('get', 'configmap', 'app-config', '-o', 'jsonpath={.data.APP_NAME} {.data.APP_ENV}')).toBe('MyK8sApp production');
    const b64 = await kubectl('get', 'secret', 'app-secret', '-o', 'jsonpath={.data.DB_PASSWORD}');
    expect(Buffer.from(b64, 'base64').toString()).toBe('mysupersecret');
    expect(await kubectl('get', 'secret', 'app-secret')).toMatch(/^app-secret\s+Opaque\s+1\s/m);
    expect(await kubectl('wait', '--for=condition=Ready', 'pod/app-pod', '--timeout=60s')).toMatch(/pod\/app-pod condition met/);
    const described = await kubectl('describe', 'pod', 'app-pod');
    expect(described).toMatch(/APP_NAME:\s+<set to the key 'APP_NAME' of config map 'app-config'>\s+Optional: false/);
    expect(described).toMatch(/DB_PASSWORD:\s+<set to the key 'DB_PASSWORD' in secret 'app-secret'>\s+Optional: false/);
  });

  it('a Pod whose Secret is missing waits in CreateContainerConfigError until it appears', async () => {
    const file = join(home, 'needs-secret.yaml');
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'needs-secret' },
        spec: { containers: [{ name: 'app', image: 'nginx:latest', env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'later', key: 'PW' } } }] }] },
      }),
    );
    await kubectl('apply', '-f', file);
    await until('CreateContainerConfigError', async () => /needs-secret\s+0\/1\s+CreateContainerConfigError\s/.test(await kubectl('get', 'pod', 'needs-secret')));
    expect(await kubectl('describe', 'pod', 'needs-secret')).toMatch(/Error: secret "later" not found/);
    expect(await kubectl('create', 'secret', 'generic', 'later', '--from-literal=PW=x')).toMatch(/secret\/later created/);
    expect(await kubectl('wait', '--for=condition=Ready', 'pod/needs-secret', '--timeout=60s')).toMatch(/condition met/);
  });

  it('the hostPath PV + PVC + MySQL Pod: the claim binds and the pod runs', async () => {
    await kubectl('apply', '-f', seed('mysql-pv.yaml'), '-f', seed('mysql-pvc.yaml'), '-f', seed('mysql-pod.yaml'));
    await kubectl('wait', '--for=jsonpath={.status.phase}=Bound', 'pvc/mysql-pvc', '--timeout=60s');
    expect(await kubectl('get', 'pvc', 'mysql-pvc')).toMatch(/^mysql-pvc\s+Bound\s+mysql-pv\s+1Gi\s+RWO\s/m);
    expect(await kubectl('get', 'pv', 'mysql-pv')).toMatch(/^mysql-pv\s+1Gi\s+RWO\s+Retain\s+Bound\s+default\/mysql-pvc\s/m);
    expect(await kubectl('wait', '--for=condition=Ready', 'pod/mysql-pod', '--timeout=60s')).toMatch(/condition met/);
  });

  it('a claim of the default StorageClass is provisioned on its pod’s node', async () => {
    expect(await kubectl('get', 'storageclass')).toMatch(/^local \(default\)\s+kubeterm\.io\/local\s+Delete\s+WaitForFirstConsumer\s+false\s/m);
    const file = join(home, 'claim.yaml');
    writeFileSync(
      file,
      [
        { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'data-user' },
          spec: {
            containers: [{ name: 'c', image: 'busybox:latest', volumeMounts: [{ name: 'd', mountPath: '/data' }] }],
            volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }],
          },
        },
      ]
        .map((o) => stringify(o))
        .join('---\n'),
    );
    await kubectl('apply', '-f', file);
    expect(await kubectl('wait', '--for=condition=Ready', 'pod/data-user', '--timeout=60s')).toMatch(/condition met/);
    const node = await kubectl('get', 'pod', 'data-user', '-o', 'jsonpath={.spec.nodeName}');
    expect(await kubectl('get', 'pvc', 'data')).toMatch(/^data\s+Bound\s+pvc-[0-9a-f-]+\s+1Gi\s+RWO\s+local\s/m);
    const pv = await kubectl('get', 'pvc', 'data', '-o', 'jsonpath={.spec.volumeName}');
    expect(await kubectl('get', 'pv', pv, '-o', 'jsonpath={.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]}')).toBe(node);
    // The kubelet never saw the pod before its volume existed.
    expect(await kubectl('get', 'events', '--field-selector', 'involvedObject.name=data-user,reason=FailedMount', '-o', 'name')).toBe('');
  });

  it('the seed HPA on a Deployment without cpu requests: Kubernetes cannot compute utilization', async () => {
    await kubectl('apply', '-f', seed('my-app-deployment.yaml'), '-f', seed('my-app-hpa.yaml'));
    await kubectl('rollout', 'status', 'deployment/my-app', '--timeout=60s');
    const hpa = await until('the HPA to report', async () => {
      const o = await kubectl('get', 'hpa', 'my-app-hpa');
      return /<unknown>/.test(o) && /\s3\s+\S+\s*$/m.test(o) ? o : undefined;
    });
    expect(hpa).toMatch(/^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/m);
    expect(hpa).toMatch(/^my-app-hpa\s+Deployment\/my-app\s+cpu: <unknown>\/70%\s+2\s+10\s+3\s/m);
    const described = await kubectl('describe', 'hpa', 'my-app-hpa');
    expect(described).toMatch(/ScalingActive\s+False\s+FailedGetResourceMetric/);
    expect(described).toMatch(/missing request for cpu/);
  });

  it('an HPA like the seed’s scales a Deployment with cpu requests up to its max on the runtime’s usage', async () => {
    await kubectl('create', 'deployment', 'busy', '--image=nginx:1.25', '--replicas=1');
    expect(await kubectl('set', 'resources', 'deployment', 'busy', '--requests=cpu=1m')).toMatch(/resource requirements updated/);
    await kubectl('rollout', 'status', 'deployment/busy', '--timeout=60s');
    // The seed's autoscaling/v2 HPA, retargeted (`kubectl autoscale`, which posts autoscaling/v1, is covered in kubectl-autoscale.test.ts).
    const file = join(home, 'busy-hpa.yaml');
    writeFileSync(file, stringify(cpuHpa('busy', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'busy' }, 3)));
    expect(await kubectl('apply', '-f', file)).toMatch(/horizontalpodautoscaler\.autoscaling\/busy created/);
    // Simulated containers use 1–10 millicores: at least 100 % of a 1m request, over the 50 % target.
    await until('3 replicas', async () => (await kubectl('get', 'deploy', 'busy', '-o', 'jsonpath={.spec.replicas}')) === '3', 90_000);
    await kubectl('rollout', 'status', 'deployment/busy', '--timeout=60s');
    const hpa = await until('the HPA to show 3 replicas', async () => {
      const o = await kubectl('get', 'hpa', 'busy');
      return /^busy\s.*\s3\s+\S+$/m.test(o) ? o : undefined;
    });
    expect(hpa).toMatch(/^busy\s+Deployment\/busy\s+cpu: \d+%\/50%\s+1\s+3\s+3\s/m);
    const described = await kubectl('describe', 'hpa', 'busy');
    expect(described).toMatch(/SuccessfulRescale\s+.*New size: \d; reason: cpu resource utilization \(percentage of request\) above target/);
    expect(described).toMatch(/ScalingLimited\s+True\s+TooManyReplicas/);
  });

  it('the Ingress, the Service and a JSON Pod manifest', async () => {
    expect(await kubectl('apply', '-f', seed('minimal-ingress.yaml'), '-f', seed('my-service.yaml'), '-f', seed('my-pod.json'))).toMatch(
      /ingress\.networking\.k8s\.io\/minimal-ingress created\nservice\/my-service created\npod\/my-pod created/,
    );
    expect(await kubectl('get', 'ingress', 'minimal-ingress')).toMatch(/^minimal-ingress\s+<none>\s+\*\s+\S*\s*80\s/m);
    expect(await kubectl('get', 'svc', 'my-service')).toMatch(/^my-service\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+80\/TCP\s/m);
    expect(await kubectl('wait', '--for=condition=Ready', 'pod/my-pod', '--timeout=60s')).toMatch(/condition met/);
    expect(JSON.parse(await kubectl('get', 'pod', 'my-pod', '-o', 'json')).spec.containers[0]).toMatchObject({ name: 'my-container', image: 'nginx' });
  });

  it('namespaces: default only unless -n or --all-namespaces', async () => {
    await kubectl('create', 'namespace', 'team-a');
    await kubectl('run', 'elsewhere', '--image=nginx:1.25', '-n', 'team-a');
    expect(await kubectl('get', 'pods')).not.toMatch(/elsewhere/);
    expect(await kubectl('get', 'pods', '-n', 'team-a')).toMatch(/^elsewhere\s/m);
    expect(await kubectl('get', 'pods', '--all-namespaces')).toMatch(/^team-a\s+elsewhere\s/m);
    expect(await kubectlFails('get', 'pod', 'elsewhere')).toMatch(/pods "elsewhere" not found/);
  });
});

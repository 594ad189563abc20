// PodDisruptionBudgets with the real kubectl against the whole embedded engine
// (disruption controller, scheduler, simulated kubelets): `kubectl get pdb`
// prints Kubernetes' columns, the eviction subresource answers 429 with the
// budget's cause, and `kubectl drain` is held by a budget — printing kubectl's
// retry line every 5 s — until the Deployment is scaled up and the budget
// allows the eviction.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { KubeObject } from '../../src/api/meta.js';
import { KUBECTL, kubectlAvailable } from '../apiserver/harness.js';
import { useKubectlEngine, type KubectlEngine } from './kubectl-engine-harness.js';
import { until } from '../helpers/wait.js';
import { deploymentYaml } from '../helpers/manifests.js';

const HAVE_KUBECTL = kubectlAvailable();

const MANIFESTS = `${deploymentYaml('web', { replicas: 1, pod: { terminationGracePeriodSeconds: 1, containers: [{ name: 'web', image: 'nginx:1.27' }] } })}---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: web
`;

const REFUSED = "Cannot evict pod as it would violate the pod's disruption budget.";

describe.skipIf(!HAVE_KUBECTL)('PodDisruptionBudgets with kubectl against the embedded engine', { timeout: 150_000 }, () => {
  let k: KubectlEngine;
  const kubectl = (...args: string[]) => k.kubectl(...args);
  const budget = () => k.engine.api.get('PodDisruptionBudget', 'default', 'web');
  const webPods = () => k.engine.api.list('Pod', { namespace: 'default' }).items.filter((p) => p.metadata.labels?.app === 'web' && !p.metadata.deletionTimestamp);
  const ready = (p: KubeObject) => (p.status?.conditions as { type: string; status: string }[] | undefined)?.some((c) => c.type === 'Ready' && c.status === 'True');

  useKubectlEngine('kubectl-pdb', { nodes: 2 }, async (started) => {
    k = started;
    // node-2 cordoned while the one replica starts, so it runs on node-1, the node to drain.
    await kubectl('cordon', 'node-2');
    const file = join(k.home, 'web.yaml');
    writeFileSync(file, MANIFESTS);
    expect(await kubectl('apply', '-f', file)).toBe('deployment.apps/web created\npoddisruptionbudget.policy/web created\n');
    await until('the web pod Ready on node-1', () => webPods().find((p) => ready(p) && p.spec?.nodeName === 'node-1'));
    await until('the budget to observe it', () => budget()?.status?.expectedPods === 1 && budget()?.status?.observedGeneration === 1);
    await kubectl('uncordon', 'node-2');
  });

  it('kubectl get pdb prints MIN AVAILABLE, MAX UNAVAILABLE, ALLOWED DISRUPTIONS and AGE', async () => {
    const out = await kubectl('get', 'pdb');
    expect(out).toMatch(/^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE\n/);
    expect(out).toMatch(/^web\s+1\s+N\/A\s+0\s+\d+s\n$/m);
    expect(budget()!.status).toMatchObject({ currentHealthy: 1, desiredHealthy: 1, expectedPods: 1, disruptionsAllowed: 0 });
  });

  it('the eviction subresource answers 429 with the budget cause', async () => {
    const pod = webPods()[0].metadata.name!;
    const cfg = parse(readFileSync(k.kubeconfig, 'utf8')) as {
      clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
      users: { user: { token: string } }[];
    };
    const { server, 'certificate-authority-data': caData } = cfg.clusters[0].cluster;
    const body = JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace: 'default' } });
    const res = await new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
      const req = request(
        `${server}/api/v1/namespaces/default/pods/${pod}/eviction`,
        { method: 'POST', ca: Buffer.from(caData, 'base64'), headers: { Authorization: `Bearer ${cfg.users[0].user.token}`, 'Content-Type': 'application/json' } },
        (r) => {
          let text = '';
          r.on('data', (d: Buffer) => (text += d.toString()));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(res.status).toBe(429);
    expect(res.json).toMatchObject({
      status: 'Failure',
      reason: 'TooManyRequests',
      message: REFUSED,
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 1 healthy pods and has 1 currently' }] },
      code: 429,
    });
    expect(k.engine.api.get('Pod', 'default', pod)!.metadata.deletionTimestamp).toBeUndefined();
  });

  it('kubectl drain is held by the budget, retrying every 5s, and goes through once the Deployment is scaled up', async () => {
    const pod = webPods()[0].metadata.name!;
    const child = spawn(KUBECTL, ['--kubeconfig', k.kubeconfig, '--cache-dir', join(k.home, 'cache'), 'drain', 'node-1', '--ignore-daemonsets', '--timeout=100s'], {
      env: { PATH: process.env.PATH ?? '', HOME: k.home },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    try {
      const retryLine = `error when evicting pods/"${pod}" -n "default" (will retry after 5s): ${REFUSED}`;
      await until('two refused evictions', () => err.split(retryLine).length > 2, 30_000);
      expect(out).toContain('node/node-1 cordoned');
      expect(out).toContain(`evicting pod default/${pod}`);
      expect(k.engine.api.get('Pod', 'default', pod)!.metadata.deletionTimestamp).toBeUndefined();

      // A second replica (on node-2: node-1 is cordoned) lets the budget allow one disruption.
      expect(await kubectl('scale', 'deployment', 'web', '--replicas=2')).toBe('deployment.apps/web scaled\n');
      expect(await exited).toBe(0);
    } finally {
      child.kill();
    }
    expect(out).toContain(`pod/${pod} evicted`);
    expect(out.trim().split('\n').at(-1)).toBe('node/node-1 drained');
    expect(k.engine.api.get('Pod', 'default', pod)).toBeUndefined();
    const left = webPods();
    expect(left.length).toBeGreaterThanOrEqual(1);
    expect(left.every((p) => p.spec?.nodeName !== 'node-1')).toBe(true);
  });
});

// The seed documents' examples on the whole engine (simulated runtime): the
// hostPath PV + PVC + MySQL-style Pod binds and runs; a claim on the default
// `local` class is provisioned once its pod is scheduled (WaitForFirstConsumer);
// the nginx Deployment + Service get endpoints and a ClusterIP.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { Engine } from '../../src/engine.js';
import { loadManifestFile } from '../../src/gitops/loader.js';
import { until } from '../helpers/wait.js';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
});

const seeds = join(import.meta.dirname, '../../examples/seeds');
function seed(file: string): KubeObject[] {
  const res = loadManifestFile(file, readFileSync(join(seeds, file), 'utf8'));
  expect(res.errors).toEqual([]);
  return res.objects.map((o) => o.obj);
}

async function start(): Promise<Engine> {
  engine = new Engine({ persist: false, runtime: 'sim', nodes: 1 });
  await engine.start();
  return engine;
}

describe('seed examples on the engine', () => {
  it('binds the hostPath PV to the claim and runs the pod that mounts it', async () => {
    const e = await start();
    const client = e.client();
    for (const f of ['mysql-pv.yaml', 'mysql-pvc.yaml', 'mysql-pod.yaml']) for (const o of seed(f)) await client.apply(o);
    const pvc = await until('the claim to bind', () => {
      const c = e.api.get('PersistentVolumeClaim', 'default', 'mysql-pvc');
      return c?.status?.phase === 'Bound' ? c : undefined;
    });
    expect(pvc.spec.volumeName).toBe('mysql-pv');
    expect(e.api.get('PersistentVolume', '', 'mysql-pv')?.status?.phase).toBe('Bound');
    await until('the pod to run', () => e.api.get('Pod', 'default', 'mysql-pod')?.status?.phase === 'Running');
  });

  it('provisions a claim of the default class on the node its pod is scheduled to', async () => {
    const e = await start();
    const client = e.client();
    await client.apply({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'default' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    await client.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'user', namespace: 'default' },
      spec: {
        containers: [{ name: 'c', image: 'busybox:1.36', volumeMounts: [{ name: 'd', mountPath: '/data' }] }],
        volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }],
      },
    });
    const pvc = await until('the claim to bind', () => {
      const c = e.api.get('PersistentVolumeClaim', 'default', 'data');
      return c?.status?.phase === 'Bound' ? c : undefined;
    });
    expect(pvc.spec.storageClassName).toBe('local');
    expect(pvc.metadata.annotations?.['volume.kubernetes.io/selected-node']).toBe('node-1');
    const pv = e.api.get('PersistentVolume', '', pvc.spec.volumeName ?? '');
    expect(JSON.stringify(pv?.spec.nodeAffinity ?? {})).toContain('node-1');
    await until('the pod to run', () => e.api.get('Pod', 'default', 'user')?.status?.phase === 'Running');
    // The scheduler bound the pod only once its volume existed: the kubelet never had to retry a mount.
    const failedMounts = e.api.list('Event', { namespace: 'default' }).items.filter((x) => x.reason === 'FailedMount');
    expect(failedMounts).toEqual([]);
  });

  it('gives the nginx Service a ClusterIP and the Deployment pods as endpoints', async () => {
    const e = await start();
    const client = e.client();
    for (const f of ['nginx-deployment.yaml', 'my-service.yaml']) for (const o of seed(f)) await client.apply(o);
    const svcName = seed('my-service.yaml')[0].metadata.name!;
    const svc = e.api.get('Service', 'default', svcName)!;
    expect(svc.spec.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    const ep = await until('ready endpoints', () => {
      const x = e.api.get('Endpoints', 'default', svcName);
      const n = ((x?.subsets as { addresses?: unknown[] }[] | undefined) ?? []).reduce((a, s) => a + (s.addresses?.length ?? 0), 0);
      return n >= 1 ? x : undefined;
    });
    expect(ep).toBeDefined();
  });
});

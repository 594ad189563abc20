// `kubectl autoscale` and autoscaling/v1 manifests with the real kubectl 1.32
// against the whole embedded engine (HPA controller included, simulated
// runtime). kubectl autoscale POSTs an autoscaling/v1 HPA in protobuf; the
// API server converts it to the stored autoscaling/v2, and answers v1 clients
// in v1. Note: kubectl 1.32 resolves the short form `hpa.v1.autoscaling` to the
// preferred version (client-go's shortcut expander drops the version), on a
// real cluster too — the full resource name keeps it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine.js';
import { useKubectlEngine, type KubectlEngine } from './kubectl-engine-harness.js';
import { kubectlAvailable } from '../apiserver/harness.js';

const HAVE_KUBECTL = kubectlAvailable();

const cpu = (pct: number) => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: pct } } });

const apiHpaV1 = (target: number) => `apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: api
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: api
  minReplicas: 2
  maxReplicas: 6
  targetCPUUtilizationPercentage: ${target}
`;

describe.skipIf(!HAVE_KUBECTL)('kubectl autoscale and autoscaling/v1 HPAs against the embedded engine', { timeout: 120_000 }, () => {
  let k: KubectlEngine;
  let engine: Engine;
  let home: string;
  const kubectl = (...args: string[]) => k.kubectl(...args);
  const hpa = (name: string) => engine.api.get('HorizontalPodAutoscaler', 'default', name);

  useKubectlEngine('kubectl-autoscale', { nodes: 1 }, async (started) => {
    k = started;
    engine = k.engine;
    home = k.home;
    await kubectl('create', 'deployment', 'web', '--image=nginx:1.25');
    await kubectl('create', 'deployment', 'api', '--image=nginx:1.25');
  });

  it('kubectl autoscale creates the HPA, stored as autoscaling/v2', async () => {
    expect(await kubectl('autoscale', 'deployment', 'web', '--cpu-percent=50', '--min=1', '--max=10')).toBe('horizontalpodautoscaler.autoscaling/web autoscaled\n');
    const stored = hpa('web')!;
    expect(stored.apiVersion).toBe('autoscaling/v2');
    expect(stored.spec).toMatchObject({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 10, metrics: [cpu(50)] });
  });

  it('kubectl get hpa prints the columns Kubernetes prints', async () => {
    const out = await kubectl('get', 'hpa');
    expect(out).toMatch(/^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/m);
    // TARGETS reads `cpu: <unknown>/50%` until metrics arrive, then `cpu: N%/50%`.
    expect(out).toMatch(/^web\s+Deployment\/web\s+cpu: (<unknown>|\d+%)\/50%\s+1\s+10\s+\d+\s+\S+$/m);
  });

  it('shows the HPA as autoscaling/v1 when asked for v1, and as v2 by default', async () => {
    const v1 = await kubectl('get', 'horizontalpodautoscalers.v1.autoscaling', 'web', '-o', 'yaml');
    expect(v1).toMatch(/^apiVersion: autoscaling\/v1$/m);
    expect(v1).toMatch(/^ {2}targetCPUUtilizationPercentage: 50$/m);
    expect(v1).not.toMatch(/metrics:/);
    const v2 = await kubectl('get', 'hpa', 'web', '-o', 'yaml');
    expect(v2).toMatch(/^apiVersion: autoscaling\/v2$/m);
    expect(v2).toMatch(/averageUtilization: 50/);
    expect(await kubectl('api-versions')).toMatch(/^autoscaling\/v1\nautoscaling\/v2$/m);
    expect(await kubectl('api-resources', '--api-group=autoscaling')).toMatch(/^horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler$/m);
  });

  it('applies an autoscaling/v1 manifest with kubectl apply -f, re-applies it unchanged and reconfigures it', async () => {
    const file = join(home, 'hpa-v1.yaml');
    writeFileSync(file, apiHpaV1(60));
    expect(await kubectl('apply', '-f', file)).toBe('horizontalpodautoscaler.autoscaling/api created\n');
    expect(hpa('api')!.spec).toMatchObject({ minReplicas: 2, maxReplicas: 6, metrics: [cpu(60)] });
    expect(await kubectl('apply', '-f', file)).toBe('horizontalpodautoscaler.autoscaling/api unchanged\n');
    writeFileSync(file, apiHpaV1(75));
    expect(await kubectl('apply', '-f', file)).toBe('horizontalpodautoscaler.autoscaling/api configured\n');
    expect(hpa('api')!.spec.metrics).toEqual([cpu(75)]);
    // The HPA controller acts on it like on any other: the Deployment is raised to minReplicas.
    const deadline = Date.now() + 30_000;
    while (engine.api.get('Deployment', 'default', 'api')?.spec.replicas !== 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(engine.api.get('Deployment', 'default', 'api')?.spec.replicas).toBe(2);
    expect(await kubectl('delete', '-f', file)).toBe('horizontalpodautoscaler.autoscaling "api" deleted\n');
    expect(hpa('api')).toBeUndefined();
  });
});

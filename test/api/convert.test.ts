// autoscaling/v1 ⇄ autoscaling/v2 HorizontalPodAutoscaler conversion, as the
// Kubernetes API server does it (pkg/apis/autoscaling/v1/conversion.go), and
// the Api door accepting v1 objects while storing v2.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import { errorInVersion, hasConverter, toServedVersion, toStoredVersion } from '../../src/api/convert/index.js';
import {
  BEHAVIOR_ANNOTATION,
  CONDITIONS_ANNOTATION,
  METRIC_SPECS_ANNOTATION,
  METRIC_STATUSES_ANNOTATION,
  hpaV1ToV2,
  hpaV2ToV1,
} from '../../src/api/convert/hpa-v1.js';
import { StatusError } from '../../src/api/errors.js';
import { KINDS, apiVersionOf, atVersion } from '../../src/api/kinds.js';
import type { KubeObject } from '../../src/api/meta.js';
import { checkObject } from '../../src/gitops/loader.js';
import { KindCatalog } from '../../src/gitops/kinds.js';
import { MemoryStore } from '../../state/store.js';
import '../fast-check-seed.js';

const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

function v1(spec: Record<string, unknown>, extra: Partial<KubeObject> = {}): KubeObject {
  return { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'default' }, spec: { scaleTargetRef: ref, maxReplicas: 10, ...spec }, ...extra };
}

const cpu = (pct: number) => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: pct } } });

/** A v2 HPA using everything v1 cannot say. */
const richV2: KubeObject = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: { team: 'a' } },
  spec: {
    scaleTargetRef: ref,
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
      { type: 'Pods', pods: { metric: { name: 'packets-per-second' }, target: { type: 'AverageValue', averageValue: '1k' } } },
      {
        type: 'Object',
        object: { describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main' }, metric: { name: 'requests-per-second' }, target: { type: 'Value', value: '10k' } },
      },
      { type: 'External', external: { metric: { name: 'queue', selector: { matchLabels: { q: 'jobs' } } }, target: { type: 'AverageValue', averageValue: '30' } } },
      { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', target: { type: 'Utilization', averageUtilization: 60 } } },
      cpu(50),
    ],
    behavior: {
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
      scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
    },
  },
  status: {
    observedGeneration: 3,
    lastScaleTime: '2026-11-22T10:00:00Z',
    currentReplicas: 3,
    desiredReplicas: 4,
    currentMetrics: [
      { type: 'Resource', resource: { name: 'cpu', current: { averageValue: '120m', averageUtilization: 62 } } },
      { type: 'Resource', resource: { name: 'memory', current: { averageValue: '300Mi' } } },
    ],
    conditions: [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2026-11-22T10:00:00Z', reason: 'ReadyForNewScale', message: 'recommended size matches current size' }],
  },
};

describe('autoscaling/v1 → v2', () => {
  it('turns targetCPUUtilizationPercentage into a Resource cpu Utilization metric', () => {
    const out = hpaV1ToV2(v1({ minReplicas: 1, targetCPUUtilizationPercentage: 50 }));
    expect(out.apiVersion).toBe('autoscaling/v2');
    expect(out.spec).toEqual({ scaleTargetRef: ref, minReplicas: 1, maxReplicas: 10, metrics: [cpu(50)] });
    expect(out.spec.targetCPUUtilizationPercentage).toBeUndefined();
  });

  it('gives an HPA without a target the old implicit default of 80% cpu', () => {
    expect(hpaV1ToV2(v1({})).spec.metrics).toEqual([cpu(80)]);
  });

  it('turns currentCPUUtilizationPercentage into a current cpu metric', () => {
    const out = hpaV1ToV2(v1({ targetCPUUtilizationPercentage: 50 }, { status: { currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 41 } }));
    expect(out.status).toEqual({
      currentReplicas: 2,
      desiredReplicas: 3,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 41 } } }],
    });
  });

  it('reads the round-trip annotations back and removes them', () => {
    const metrics = [{ type: 'Resource', resource: { name: 'memory', targetAverageValue: '500Mi' } }];
    const out = hpaV1ToV2(v1({ targetCPUUtilizationPercentage: 50 }, {
      metadata: { name: 'web', annotations: { [METRIC_SPECS_ANNOTATION]: JSON.stringify(metrics), keep: 'me' } },
    }));
    // The annotation's metrics first, the v1 field's last (as upstream orders them).
    expect(out.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } }, cpu(50)]);
    expect(out.metadata.annotations).toEqual({ keep: 'me' });
  });

  it('refuses a round-trip annotation that is not JSON with a 400 naming it', () => {
    const bad = v1({}, { metadata: { name: 'web', annotations: { [METRIC_SPECS_ANNOTATION]: '[{' } } });
    expect(() => hpaV1ToV2(bad)).toThrow(/autoscaling\.alpha\.kubernetes\.io\/metrics does not hold valid JSON/);
  });

  it('carries unknown v1 fields over so strict field validation still names them', () => {
    expect(hpaV1ToV2(v1({ bogus: 1 })).spec.bogus).toBe(1);
  });
});

describe('autoscaling/v2 → v1', () => {
  it('keeps only what v1 has in spec and status and puts the rest in annotations, as Kubernetes', () => {
    const out = hpaV2ToV1(richV2);
    expect(out.apiVersion).toBe('autoscaling/v1');
    expect(out.spec).toEqual({ scaleTargetRef: ref, minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 50 });
    expect(out.status).toEqual({ observedGeneration: 3, lastScaleTime: '2026-11-22T10:00:00Z', currentReplicas: 3, desiredReplicas: 4, currentCPUUtilizationPercentage: 62 });
    const a = out.metadata.annotations!;
    expect(a.team).toBe('a');
    // v1 MetricSpec shapes (the v2beta1 spelling), the cpu utilization metric left out.
    expect(JSON.parse(a[METRIC_SPECS_ANNOTATION])).toEqual([
      { type: 'Resource', resource: { name: 'memory', targetAverageValue: '500Mi' } },
      { type: 'Pods', pods: { metricName: 'packets-per-second', targetAverageValue: '1k' } },
      { type: 'Object', object: { target: { kind: 'Ingress', name: 'main', apiVersion: 'networking.k8s.io/v1' }, metricName: 'requests-per-second', targetValue: '10k' } },
      { type: 'External', external: { metricName: 'queue', metricSelector: { matchLabels: { q: 'jobs' } }, targetAverageValue: '30' } },
      { type: 'ContainerResource', containerResource: { name: 'cpu', targetAverageUtilization: 60, container: 'app' } },
    ]);
    expect(JSON.parse(a[METRIC_STATUSES_ANNOTATION])).toEqual([
      { type: 'Resource', resource: { name: 'cpu', currentAverageUtilization: 62, currentAverageValue: '120m' } },
      { type: 'Resource', resource: { name: 'memory', currentAverageValue: '300Mi' } },
    ]);
    // Go marshals the internal behavior type, which has no json tags.
    expect(JSON.parse(a[BEHAVIOR_ANNOTATION])).toEqual({
      ScaleUp: { StabilizationWindowSeconds: 0, SelectPolicy: 'Max', Policies: [{ Type: 'Pods', Value: 4, PeriodSeconds: 15 }, { Type: 'Percent', Value: 100, PeriodSeconds: 15 }] },
      ScaleDown: { StabilizationWindowSeconds: 300, SelectPolicy: 'Max', Policies: [{ Type: 'Percent', Value: 100, PeriodSeconds: 15 }] },
    });
    expect(JSON.parse(a[CONDITIONS_ANNOTATION])).toEqual(richV2.status!.conditions);
  });

  it('writes no annotations for an HPA v1 can express, and leaves the input alone', () => {
    const plain: KubeObject = { ...richV2, metadata: { name: 'web' }, spec: { scaleTargetRef: ref, maxReplicas: 3, metrics: [cpu(70)] }, status: undefined };
    delete plain.status;
    const before = JSON.stringify(plain);
    const out = hpaV2ToV1(plain);
    expect(out.metadata.annotations).toBeUndefined();
    expect(out.spec).toEqual({ scaleTargetRef: ref, maxReplicas: 3, targetCPUUtilizationPercentage: 70 });
    expect(JSON.stringify(plain)).toBe(before);
  });

  it('drops stale round-trip annotations a v2 client left on the object', () => {
    const v2 = { ...richV2, metadata: { name: 'web', annotations: { [METRIC_SPECS_ANNOTATION]: 'stale' } }, spec: { scaleTargetRef: ref, maxReplicas: 3, metrics: [cpu(70)] } };
    delete (v2 as KubeObject).status;
    expect(hpaV2ToV1(v2).metadata.annotations).toBeUndefined();
  });
});

describe('round trips', () => {
  it('v1 → v2 → v1 keeps every v1 field', () => {
    const original = v1({ minReplicas: 2, targetCPUUtilizationPercentage: 65 }, {
      metadata: { name: 'web', namespace: 'default', labels: { a: 'b' }, annotations: { note: 'x' } },
      status: { observedGeneration: 1, currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 30 },
    });
    const back = hpaV2ToV1(hpaV1ToV2(original));
    // The current cpu metric also travels in the annotation (upstream keeps the raw status that way).
    const { [METRIC_STATUSES_ANNOTATION]: statuses, ...annotations } = back.metadata.annotations!;
    expect({ ...back, metadata: { ...back.metadata, annotations } }).toEqual(original);
    expect(JSON.parse(statuses)).toEqual([{ type: 'Resource', resource: { name: 'cpu', currentAverageUtilization: 30, currentAverageValue: '0' } }]);
  });

  it('v2 → v1 → v2 keeps everything (through the annotations)', () => {
    expect(hpaV1ToV2(hpaV2ToV1(richV2))).toEqual(richV2);
  });

  it('v1 → v2 → v1 keeps the target and replica bounds for any values (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 50 }), (pct, min, extra) => {
        const o = v1({ minReplicas: min, maxReplicas: min + extra, targetCPUUtilizationPercentage: pct });
        expect(hpaV2ToV1(hpaV1ToV2(o))).toEqual(o);
      }),
    );
  });
});

describe('the version registry', () => {
  it('has a converter for every version a kind is also served in', () => {
    for (const info of KINDS) for (const v of info.alsoServed ?? []) expect(hasConverter(info.kind, apiVersionOf(atVersion(info, v)))).toBe(true);
  });

  it('converts only objects of another served version', () => {
    const v2 = hpaV1ToV2(v1({}));
    expect(toStoredVersion(v2)).toBe(v2);
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } } as KubeObject;
    expect(toStoredVersion(pod)).toBe(pod);
    expect(toServedVersion(v2, 'autoscaling/v2')).toBe(v2);
    expect(toServedVersion(v2, 'autoscaling/v1').spec.targetCPUUtilizationPercentage).toBe(80);
  });

  it('renames the cpu target in a field error for a v1 client', () => {
    const stored = hpaV1ToV2(v1({ targetCPUUtilizationPercentage: 0 }));
    const e = new StatusError(422, 'Invalid', 'HorizontalPodAutoscaler.autoscaling "web" is invalid: spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0', {
      causes: [{ reason: 'FieldValueInvalid', field: 'spec.metrics[0].resource.target.averageUtilization', message: 'Invalid value: 0: must be greater than 0' }],
    });
    const out = errorInVersion(e, 'HorizontalPodAutoscaler', 'autoscaling/v1', stored) as StatusError;
    expect(out.message).toBe('HorizontalPodAutoscaler.autoscaling "web" is invalid: spec.targetCPUUtilizationPercentage: Invalid value: 0: must be greater than 0');
    expect(out.details?.causes?.[0].field).toBe('spec.targetCPUUtilizationPercentage');
  });
});

describe('the Api door with autoscaling/v1 objects (folder sync, TUI)', () => {
  const newApi = async () => {
    const api = new Api({ store: new MemoryStore() });
    await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } } as KubeObject);
    return api;
  };

  it('stores a v1 HPA as v2 and applies it again unchanged', async () => {
    const api = await newApi();
    const manifest = v1({ targetCPUUtilizationPercentage: 50 });
    const first = await api.apply(manifest);
    expect(first.action).toBe('created');
    const stored = api.get('HorizontalPodAutoscaler', 'default', 'web')!;
    expect(stored.apiVersion).toBe('autoscaling/v2');
    expect(stored.spec).toMatchObject({ minReplicas: 1, maxReplicas: 10, metrics: [cpu(50)] });
    expect((await api.apply(manifest)).action).toBe('unchanged');
    const changed = await api.apply(v1({ targetCPUUtilizationPercentage: 70 }));
    expect(changed.action).toBe('configured');
    expect(api.get('HorizontalPodAutoscaler', 'default', 'web')!.spec.metrics).toEqual([cpu(70)]);
  });

  it('lets the folder loader accept v1 manifests but not versions nobody converts', () => {
    const served = new KindCatalog(KINDS);
    expect(checkObject(v1({ targetCPUUtilizationPercentage: 50 }), served)).toEqual([]);
    expect(checkObject({ ...v1({}), apiVersion: 'autoscaling/v2beta2' }, served)).toEqual([
      { message: 'no matches for kind "HorizontalPodAutoscaler" in version "autoscaling/v2beta2" (kubeterm serves HorizontalPodAutoscaler as autoscaling/v2)' },
    ]);
  });

  it('names the v1 field when the cpu target is invalid', async () => {
    const api = await newApi();
    await expect(api.create(v1({ targetCPUUtilizationPercentage: -5 }))).rejects.toThrow(
      'HorizontalPodAutoscaler.autoscaling "web" is invalid: spec.targetCPUUtilizationPercentage: Invalid value: -5: must be greater than 0',
    );
  });

  it('patches in the version the client asked for', async () => {
    const api = await newApi();
    await api.create(v1({ targetCPUUtilizationPercentage: 50 }));
    await api.patch('HorizontalPodAutoscaler', 'default', 'web', 'merge', { spec: { targetCPUUtilizationPercentage: 75 } }, { apiVersion: 'autoscaling/v1' });
    expect(api.get('HorizontalPodAutoscaler', 'default', 'web')!.spec.metrics).toEqual([cpu(75)]);
  });
});

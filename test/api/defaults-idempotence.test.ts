import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDefaults } from '../../src/api/defaults.js';
import { KINDS } from '../../src/api/kinds.js';
import { clone, type KubeObject } from '../../src/api/meta.js';

const twice = (o: KubeObject) => applyDefaults(applyDefaults(clone(o)));
const once = (o: KubeObject) => applyDefaults(clone(o));

describe('rollout undo equivalence', () => {
  it('a template as `kubectl rollout undo` sends it back defaults to the same JSON as the original', () => {
    const original = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              { name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { port: 80 } }, resources: { limits: { cpu: 0.5 } } },
            ],
            volumes: [{ name: 'tmp' }],
          },
        },
      },
    };
    const defaulted = once(original as KubeObject);
    // What the ReplicaSet kept, round-tripped through Go: creationTimestamp null, resources {}, explicit nulls and empty lists.
    const fromRs = clone(defaulted) as any;
    fromRs.spec.template.metadata.creationTimestamp = null;
    fromRs.spec.template.metadata.annotations = {};
    fromRs.spec.template.spec.containers[0].env = [];
    fromRs.spec.template.spec.containers[0].resources = { limits: { cpu: '500m' }, requests: null };
    fromRs.spec.template.spec.nodeSelector = null;
    // …and a hand-written variant with only the essentials plus `resources: {}`.
    const sparse = clone(original) as any;
    sparse.spec.template.metadata.creationTimestamp = null;
    sparse.spec.template.spec.containers[0].resources = { limits: { cpu: '500m' } };
    expect(JSON.stringify(once(fromRs).spec.template)).toBe(JSON.stringify(defaulted.spec.template));
    expect(JSON.stringify(once(sparse).spec.template)).toBe(JSON.stringify(defaulted.spec.template));

    const noResources = clone(original) as any;
    delete noResources.spec.template.spec.containers[0].resources;
    const withEmpty = clone(noResources);
    withEmpty.spec.template.spec.containers[0].resources = {};
    withEmpty.spec.template.metadata.creationTimestamp = null;
    expect(JSON.stringify(once(withEmpty).spec.template)).toBe(JSON.stringify(once(noResources).spec.template));
  });
});

// Arbitrary, loosely shaped objects of every kind: defaulting must never throw and must be idempotent.
const scalar = fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: -2, max: 3 }), fc.boolean(), fc.constant(null));
const fieldNames = fc.constantFrom(
  'replicas', 'strategy', 'template', 'spec', 'metadata', 'containers', 'name', 'image', 'ports', 'containerPort', 'protocol',
  'resources', 'limits', 'requests', 'cpu', 'livenessProbe', 'httpGet', 'port', 'volumes', 'emptyDir', 'type', 'selector',
  'labels', 'creationTimestamp', 'restartPolicy', 'updateStrategy', 'rollingUpdate', 'parallelism', 'completions', 'jobTemplate',
  'metrics', 'behavior', 'scaleUp', 'targetPort', 'sessionAffinity', 'stringData', 'data', 'capacity', 'limits', 'env', 'valueFrom',
  'fieldRef', 'initContainers', 'volumeClaimTemplates', 'accessModes', 'podFailurePolicy', 'hostNetwork', 'status', 'finalizers',
);
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 3 }),
  object: fc.dictionary(fieldNames, tie('value'), { maxKeys: 5 }),
})).value;

const objectOfAnyKind = fc
  .record({
    kind: fc.constantFrom(...KINDS.map((k) => k.kind)),
    spec: fc.dictionary(fieldNames, json, { maxKeys: 6 }),
    extra: fc.dictionary(fieldNames, json, { maxKeys: 3 }),
  })
  .map(({ kind, spec, extra }) => ({ ...extra, apiVersion: 'v1', kind, metadata: { name: 'x' }, spec }) as KubeObject);

describe('defaulting is idempotent', () => {
  it('applyDefaults(applyDefaults(x)) equals applyDefaults(x) for arbitrary objects of every kind', () => {
    fc.assert(
      fc.property(objectOfAnyKind, (o) => {
        expect(JSON.stringify(twice(o))).toBe(JSON.stringify(once(o)));
      }),
      { numRuns: 400 },
    );
  });

  it('is idempotent on realistic workloads with random optional fields', () => {
    const container = fc.record(
      {
        name: fc.constant('c'),
        image: fc.constantFrom('nginx', 'nginx:1.2', 'r/x@sha256:00'),
        ports: fc.array(fc.record({ containerPort: fc.integer({ min: 1, max: 9000 }) }), { maxLength: 2 }),
        resources: fc.record({ limits: fc.record({ cpu: fc.constantFrom('1', '0.5', 2) }) }, { requiredKeys: [] }),
        livenessProbe: fc.record({ httpGet: fc.record({ port: fc.constant(80) }), periodSeconds: fc.integer({ min: 0, max: 5 }) }),
      },
      { requiredKeys: ['name', 'image'] },
    );
    const workload = fc.record({
      kind: fc.constantFrom('Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'Pod'),
      containers: fc.array(container, { minLength: 1, maxLength: 2 }),
      replicas: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(workload, ({ kind, containers, replicas }) => {
        const podSpec = { containers };
        const o: KubeObject =
          kind === 'Pod'
            ? { apiVersion: 'v1', kind, metadata: { name: 'p' }, spec: podSpec }
            : { apiVersion: 'apps/v1', kind, metadata: { name: 'w' }, spec: { replicas, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: podSpec } } };
        expect(JSON.stringify(twice(o))).toBe(JSON.stringify(once(o)));
      }),
      { numRuns: 200 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { applyDefaults } from '../../src/api/defaults.js';
import { KINDS } from '../../src/api/kinds.js';
import { clone, type KubeObject } from '../../src/api/meta.js';
import { validateObject, validateUnknownFields } from '../../src/api/validation/index.js';
import { formatFieldError } from '../../src/api/errors.js';
import { SAMPLES } from './validation-samples.js';

describe('validateUnknownFields (fieldValidation=Strict)', () => {
  it('flags a misspelt spec field with its dotted path', () => {
    const d = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicaz: 3, selector: {}, template: {} } };
    expect(validateUnknownFields(d as KubeObject)).toEqual(['spec.replicaz']);
  });

  it('flags nested unknown fields with list indices, in document order', () => {
    const d = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labelz: {} },
      spec: {
        template: {
          metadata: { labels: { anything: 'goes' } },
          spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', imagez: 'x', ports: [{ containerPort: 80, protocoll: 'TCP' }] }] },
        },
      },
      extra: 1,
    };
    expect(validateUnknownFields(d as KubeObject)).toEqual([
      'metadata.labelz',
      'spec.template.spec.containers[1].imagez',
      'spec.template.spec.containers[1].ports[0].protocoll',
      'extra',
    ]);
  });

  it('never flags keys of free-form maps', () => {
    const o = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { 'x.io/any': 'v' }, annotations: { whatever: '1' } },
      spec: {
        nodeSelector: { 'disk.type': 'ssd' },
        containers: [{ name: 'c', image: 'x', resources: { limits: { 'nvidia.com/gpu': '1', cpu: '1' }, requests: { memory: '1Gi' } } }],
      },
    };
    expect(validateUnknownFields(o as KubeObject)).toEqual([]);
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'any key': 'v' }, binaryData: { b: 'AA==' } };
    expect(validateUnknownFields(cm as KubeObject)).toEqual([]);
    const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' }, spec: { maxReplicaz: 3 } };
    expect(validateUnknownFields(hpa as KubeObject)).toEqual(['spec.maxReplicaz']);
  });

  it('accepts what `kubectl create deployment` and `kubectl run` send, and defaults it cleanly', () => {
    const fromKubectl = [
      {
        kind: 'Deployment',
        apiVersion: 'apps/v1',
        metadata: { name: 'web', namespace: 'default', creationTimestamp: null, labels: { app: 'web' } },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] } },
          strategy: {},
        },
        status: {},
      },
      {
        kind: 'Pod',
        apiVersion: 'v1',
        metadata: { name: 'nginx', namespace: 'default', creationTimestamp: null, labels: { run: 'nginx' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }], dnsPolicy: 'ClusterFirst', restartPolicy: 'Always' },
        status: {},
      },
    ];
    for (const o of fromKubectl) {
      expect(validateUnknownFields(o as unknown as KubeObject)).toEqual([]);
      const d = applyDefaults(clone(o) as unknown as KubeObject);
      expect(validateObject(d).map(formatFieldError)).toEqual([]);
    }
  });

  // Virtual kinds (the review APIs, metrics.k8s.io) are answered by the API server and never stored: no schema, no sample.
  const STORED = KINDS.filter((k) => !k.virtual);

  it('has a schema for every served kind', () => {
    for (const k of STORED) {
      const o = { apiVersion: 'v1', kind: k.kind, metadata: { name: 'x' }, notAField: true } as KubeObject;
      expect(validateUnknownFields(o), k.kind).toEqual(['notAField']);
    }
  });

  it('covers one sample per kind, and defaulting never adds a field the schema does not know', () => {
    expect(new Set(SAMPLES.map((s) => s.kind))).toEqual(new Set(STORED.map((k) => k.kind)));
    for (const s of SAMPLES) {
      expect(validateUnknownFields(s), s.kind).toEqual([]);
      const d = applyDefaults(clone(s));
      expect(validateUnknownFields(d), `${s.kind} after defaulting`).toEqual([]);
      expect(validateObject(d).map(formatFieldError), `${s.kind} is valid`).toEqual([]);
    }
  });
});

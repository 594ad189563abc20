// pod-template-hash: FNV-1a 32 of the canonical template, safe-encoded like controller.ComputeHash.
import { describe, expect, it } from 'vitest';
import { canonicalJson, fnv1a32, podTemplateHash, safeEncodeString, templateHashSum } from '../../src/api/hash.js';

const template = () => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
});

describe('podTemplateHash', () => {
  it('FNV-1a 32 reference values', () => {
    expect(fnv1a32(new Uint8Array())).toBe(0x811c9dc5);
    expect(fnv1a32(new TextEncoder().encode('a'))).toBe(0xe40c292c);
    expect(fnv1a32(new TextEncoder().encode('foobar'))).toBe(0xbf9cf968);
  });

  it('safe encoding maps decimal digits onto the k8s alphabet', () => {
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
    expect(safeEncodeString('2166136261')).toBe('65bb57b6b5');
  });

  it('looks like a Kubernetes hash and is stable under key order', () => {
    const h = podTemplateHash(template());
    expect(h).toMatch(/^[456789bcdf]{1,10}$/);
    const reordered = { spec: { containers: [{ ports: [{ containerPort: 80 }], image: 'nginx:1.27', name: 'web' }] }, metadata: { labels: { app: 'web' } } };
    expect(podTemplateHash(reordered)).toBe(h);
    expect(podTemplateHash({ ...template(), extra: undefined, other: null })).toBe(h);
    expect(h).toBe(safeEncodeString(String(templateHashSum(template()))));
  });

  it('changes when the template changes', () => {
    const t = template();
    t.spec.containers[0].image = 'nginx:1.28';
    expect(podTemplateHash(t)).not.toBe(podTemplateHash(template()));
  });

  it('collisionCount is hashed as 8 little-endian bytes after the template', () => {
    const base = new TextEncoder().encode(canonicalJson(template()));
    const tail = new Uint8Array([3, 0, 0, 0, 0, 0, 0, 0]);
    expect(templateHashSum(template(), 3)).toBe(fnv1a32(tail, fnv1a32(base)));
    expect(podTemplateHash(template(), 3)).not.toBe(podTemplateHash(template()));
    expect(podTemplateHash(template(), 0)).not.toBe(podTemplateHash(template()));
    expect(podTemplateHash(template(), null)).toBe(podTemplateHash(template()));
  });

  it('canonical JSON sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });
});

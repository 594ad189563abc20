import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDefaults } from '../../src/api/defaults.js';
import { formatFieldError } from '../../src/api/errors.js';
import { KINDS } from '../../src/api/kinds.js';
import { clone, type KubeObject } from '../../src/api/meta.js';
import { UNVALIDATABLE, validateObject, validateUnknownFields } from '../../src/api/validation/index.js';
import { junkValues, paths, setAt } from '../fuzz/helpers.js';
import { SAMPLES } from './validation-samples.js';

// Mutate realistic samples at random paths with values of the wrong shape: validation must report, never throw.
const junk = junkValues({ maxString: 5 });

describe('validation never throws on malformed input', () => {
  it('reports field errors for arbitrarily corrupted samples of every kind', () => {
    const sample = fc.constantFrom(...SAMPLES);
    fc.assert(
      fc.property(sample, fc.nat(), junk, (s, pick, value) => {
        const o = clone(s) as any;
        const all = paths(o).filter((p) => p[0] !== 'kind' && !(p[0] === 'metadata' && p.length === 1));
        if (all.length) setAt(o, all[pick % all.length], clone(value));
        const defaulted = applyDefaults(o as KubeObject);
        const errs = validateObject(defaulted);
        for (const e of errs) {
          expect(typeof formatFieldError(e)).toBe('string');
          expect(e.detail ?? '').not.toContain(UNVALIDATABLE);
        }
        expect(Array.isArray(validateUnknownFields(o))).toBe(true);
        // Updating to the corrupted object from the valid one must not throw either.
        for (const e of validateObject(defaulted, applyDefaults(clone(s)))) expect(e.detail ?? '').not.toContain(UNVALIDATABLE);
      }),
      { numRuns: 500 },
    );
  });

  it('tolerates malformed metadata lists', () => {
    const o = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', ownerReferences: [null, 'x'], finalizers: [1] } };
    expect(validateObject(o as unknown as KubeObject).map(formatFieldError)).toContain('metadata.ownerReferences[0]: Invalid value: null: must be an object');
  });

  it('handles empty objects of every kind', () => {
    for (const k of KINDS) {
      const o = applyDefaults({ apiVersion: 'v1', kind: k.kind, metadata: { name: 'x', namespace: k.namespaced ? 'default' : undefined } } as KubeObject);
      expect(() => validateObject(o)).not.toThrow();
    }
  });
});

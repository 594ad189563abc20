// Quantities and selectors arrive as strings from manifests, `kubectl -l`,
// `?labelSelector=` and the UI filter. Random strings: a value or a clear Error
// with Kubernetes' message, never another kind of throw, never a hang. Valid
// inputs round-trip through their canonical string form.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatQuantity,
  parseQuantity,
  QUANTITY_FORMAT_ERROR,
  QUANTITY_NUMERIC_ERROR,
  QUANTITY_SUFFIX_ERROR,
} from '../../src/api/quantity.js';
import { labelSelectorAsSelector, parseSelector, selectorMatches } from '../../src/api/selectors.js';
import { parseFieldSelector } from '../../src/api/fieldselector.js';
import { CaseCounter, describeCrash, isCrash } from './helpers.js';

const QUANTITY_ERRORS = [QUANTITY_FORMAT_ERROR, QUANTITY_NUMERIC_ERROR, QUANTITY_SUFFIX_ERROR];
const quantityAlphabet = fc.constantFrom(...'0123456789.+-eEinumkKMGTP '.split(''), 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'x', '\u0000', '٣');

/** Strings in the quantity grammar: sign, digits, optional fraction, a suffix. */
const validQuantity = fc
  .tuple(
    fc.constantFrom('', '+', '-'),
    fc.stringMatching(/^[0-9]{1,12}$/),
    fc.option(fc.stringMatching(/^[0-9]{0,9}$/), { nil: undefined }),
    fc.oneof(fc.constantFrom('', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'), fc.integer({ min: -30, max: 30 }).map((e) => `e${e}`)),
  )
  .map(([sign, int, frac, suffix]) => `${sign}${int}${frac !== undefined ? `.${frac}` : ''}${suffix}`);

const selectorAlphabet = fc.constantFrom(...'abc=!,() -_./0123456789xyzAB'.split(''), ' in ', ' notin ', '==', '!=', '<', '>', 'k8s.io/', '\t', '\u00e9');

describe('quantities under random input', () => {
  it('random strings: a quantity or one of Kubernetes\' three quantity errors', () => {
    const c = new CaseCounter('quantity: random strings');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: quantityAlphabet, maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 })), (s) => {
        try {
          const q = c.time(() => parseQuantity(s));
          expect(typeof q.nanos).toBe('bigint');
        } catch (e) {
          if (isCrash(e)) throw new Error(`crash on ${JSON.stringify(s)}: ${describeCrash(e)}`);
          expect(QUANTITY_ERRORS).toContain((e as Error).message);
        }
      }),
      { numRuns: 5000 },
    );
    expect(c.report()).toBe(5000);
  });

  it('valid quantities round-trip: parse(format(q)) == q, and format is stable', () => {
    const c = new CaseCounter('quantity: round trip');
    fc.assert(
      fc.property(validQuantity, (s) => {
        c.time(() => {
          const q = parseQuantity(s);
          const text = formatQuantity(q);
          const again = parseQuantity(text);
          expect(again.nanos).toBe(q.nanos);
          // As in Kubernetes, a BinarySI value with no exact binary suffix prints as a plain
          // number (62.5Ki → "64000"), which reparses as DecimalSI ("64k"): the text is
          // stable from the second rendering on.
          const second = formatQuantity(again);
          expect(parseQuantity(second).nanos).toBe(q.nanos);
          expect(formatQuantity(parseQuantity(second))).toBe(second);
        });
      }),
      { numRuns: 5000 },
    );
    expect(c.report()).toBe(5000);
  });

  it('renders a binary quantity with no exact binary suffix as Kubernetes does (found by the round trip)', () => {
    expect(formatQuantity(parseQuantity('62.5Ki'))).toBe('64000');
    expect(formatQuantity(parseQuantity('64000'))).toBe('64k');
  });

  it('absurd exponents and lengths are refused or computed quickly (no huge allocation)', () => {
    const c = new CaseCounter('quantity: absurd sizes');
    for (const s of ['1e999999999', '1e-999999999', '9'.repeat(100_000), `0.${'1'.repeat(100_000)}`, '1e1000', '1E1000Ki', `${'0'.repeat(1_000_000)}1`, '1e+1000', '1e-1000']) {
      try {
        c.time(() => formatQuantity(parseQuantity(s)));
      } catch (e) {
        if (isCrash(e)) throw new Error(`crash on ${s.slice(0, 20)}…: ${describeCrash(e)}`);
        expect(QUANTITY_ERRORS).toContain((e as Error).message);
      }
    }
    c.report();
    expect(c.maxMs).toBeLessThan(2000);
  });

  it('non-string inputs (as JSON can deliver them) are refused with the format error, not a TypeError', () => {
    const c = new CaseCounter('quantity: JSON values');
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          c.time(() => parseQuantity(v as string));
        } catch (e) {
          if (isCrash(e)) throw new Error(`crash on ${JSON.stringify(v)}: ${describeCrash(e)}`);
          expect(QUANTITY_ERRORS).toContain((e as Error).message);
        }
      }),
      { numRuns: 2000 },
    );
    expect(c.report()).toBe(2000);
  });
});

describe('selectors under random input', () => {
  it('label selectors: random strings parse or throw a clear Error; a parsed selector re-parses to the same string', () => {
    const c = new CaseCounter('label selector: random strings');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: selectorAlphabet, maxLength: 30 })), fc.dictionary(fc.constantFrom('a', 'b', 'c', 'x'), fc.constantFrom('', '1', 'x', 'y')), (s, labels) => {
        let sel;
        try {
          sel = c.time(() => parseSelector(s));
        } catch (e) {
          if (isCrash(e)) throw new Error(`crash on ${JSON.stringify(s)}: ${describeCrash(e)}`);
          expect((e as Error).message.length).toBeGreaterThan(0);
          return;
        }
        const text = sel.toString();
        const again = parseSelector(text);
        expect(again.toString()).toBe(text);
        expect(again.matches(labels)).toBe(sel.matches(labels));
        expect(selectorMatches(s, labels)).toBe(sel.matches(labels));
      }),
      { numRuns: 5000 },
    );
    expect(c.report()).toBe(5000);
  });

  it('metav1.LabelSelector objects with any string content: a selector or a clear Error', () => {
    // Well-typed only: an ill-typed selector (matchLabels: [0]) never reaches here, the Api door's
    // validation refuses it first (api-door.test.ts fuzzes that path with any JSON).
    const c = new CaseCounter('label selector: random LabelSelector objects');
    const str = fc.oneof(fc.string({ maxLength: 8 }), fc.string({ unit: selectorAlphabet, maxLength: 8 }));
    const ls = fc.record(
      {
        matchLabels: fc.dictionary(str, str),
        matchExpressions: fc.array(fc.record({ key: str, operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', ''), values: fc.array(str, { maxLength: 3 }) }, { requiredKeys: ['key', 'operator'] }), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(ls, (v) => {
        try {
          c.time(() => labelSelectorAsSelector(v as never).matches({ a: 'b' }));
        } catch (e) {
          if (isCrash(e)) throw new Error(`crash on ${JSON.stringify(v)}: ${describeCrash(e)}`);
          expect((e as Error).message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 3000 },
    );
    expect(c.report()).toBe(3000);
  });

  it('field selectors: random strings for several kinds parse or throw a clear Error', () => {
    const c = new CaseCounter('field selector: random strings');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: fc.constantFrom(...'metadata.name=!,\\ spec.nodeName status.phase x'.split(' '), '=', '!=', '==', ',', '\\', 'a'), maxLength: 12 })), fc.constantFrom('Pod', 'Event', 'Secret', 'Node', 'ConfigMap'), (s, kind) => {
        try {
          c.time(() => parseFieldSelector(s, kind).matches({ apiVersion: 'v1', kind, metadata: { name: 'a', namespace: 'b' } }));
        } catch (e) {
          if (isCrash(e)) throw new Error(`crash on ${JSON.stringify(s)}: ${describeCrash(e)}`);
          expect((e as Error).message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 3000 },
    );
    expect(c.report()).toBe(3000);
  });
});

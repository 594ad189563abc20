import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addQuantities,
  canonicalQuantity,
  compareQuantities,
  formatQuantity,
  milliQuantity,
  parseQuantity,
  QUANTITY_FORMAT_ERROR,
  quantityMilliValue,
  quantityToNumber,
  quantityValue,
  subtractQuantities,
} from '../../src/api/quantity.js';

describe('parseQuantity', () => {
  it('parses every suffix family exactly', () => {
    expect(parseQuantity('500m').nanos).toBe(500_000_000n);
    expect(parseQuantity('1.5').nanos).toBe(1_500_000_000n);
    expect(parseQuantity('128Mi').nanos).toBe(128n * 1024n * 1024n * 1_000_000_000n);
    expect(parseQuantity('1G').nanos).toBe(10n ** 18n);
    expect(parseQuantity('1e3').nanos).toBe(1000n * 10n ** 9n);
    expect(parseQuantity('1E3').format).toBe('DecimalExponent');
    expect(parseQuantity('0.1').nanos).toBe(100_000_000n);
    expect(parseQuantity('2Ki').nanos).toBe(2048n * 10n ** 9n);
    expect(parseQuantity('100u').nanos).toBe(100_000n);
    expect(parseQuantity('1n').nanos).toBe(1n);
    expect(parseQuantity('1E').nanos).toBe(10n ** 27n); // exa, not an exponent
    expect(parseQuantity('-2').nanos).toBe(-2_000_000_000n);
    expect(parseQuantity('+2k').nanos).toBe(2_000n * 10n ** 9n);
    expect(parseQuantity('.5').nanos).toBe(500_000_000n);
    expect(parseQuantity('1.').nanos).toBe(1_000_000_000n);
    expect(parseQuantity('1e-3').nanos).toBe(1_000_000n);
    expect(parseQuantity('0Mi').nanos).toBe(0n);
  });

  it('accepts JSON numbers as manifests carry them', () => {
    expect(parseQuantity(0.5).nanos).toBe(500_000_000n);
    expect(parseQuantity(2).nanos).toBe(2_000_000_000n);
    expect(parseQuantity(1e21).nanos).toBe(10n ** 30n);
  });

  it('rounds anything below a nano up, away from zero', () => {
    expect(parseQuantity('0.0000000001').nanos).toBe(1n);
    expect(parseQuantity('1.0000000001').nanos).toBe(1_000_000_001n);
    expect(parseQuantity('-0.0000000001').nanos).toBe(-1n);
    expect(parseQuantity('0.5n').nanos).toBe(1n);
  });

  it('picks the format from the suffix; fractions of a binary unit become decimal', () => {
    expect(parseQuantity('1Ki').format).toBe('BinarySI');
    expect(parseQuantity('1k').format).toBe('DecimalSI');
    expect(parseQuantity('0.5Ki').format).toBe('BinarySI'); // 512 ≥ 1
    expect(parseQuantity('0.0001Ki').format).toBe('DecimalSI');
  });

  it('rejects malformed strings with the Kubernetes messages', () => {
    for (const bad of ['', 'abc', '1Mb', '1.2.3', '1 Gi', ' 1', '1 ', '1e3m', '1+1.0M']) {
      expect(() => parseQuantity(bad), bad).toThrow(QUANTITY_FORMAT_ERROR);
    }
    expect(QUANTITY_FORMAT_ERROR).toBe("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    expect(() => parseQuantity('1K')).toThrow("unable to parse quantity's suffix");
    expect(() => parseQuantity('1e')).toThrow("unable to parse quantity's suffix");
    expect(() => parseQuantity('1mi')).toThrow("unable to parse quantity's suffix");
    expect(() => parseQuantity('.5i')).toThrow("unable to parse quantity's suffix");
    expect(() => parseQuantity('--1')).toThrow("unable to parse quantity's suffix");
    expect(() => parseQuantity('-3.01e-')).toThrow("unable to parse quantity's suffix");
    expect(() => parseQuantity(Number.NaN)).toThrow(QUANTITY_FORMAT_ERROR);
  });
});

describe('comparisons are exact', () => {
  it('binary vs decimal, fractions vs milli', () => {
    expect(compareQuantities('1Gi', '1G')).toBe(1);
    expect(compareQuantities('1G', '1Gi')).toBe(-1);
    expect(compareQuantities('0.5', '500m')).toBe(0);
    expect(compareQuantities('1k', '1e3')).toBe(0);
    expect(compareQuantities('1000Mi', '1Gi')).toBe(-1);
    expect(compareQuantities('1024Mi', '1Gi')).toBe(0);
    expect(compareQuantities('100u', '0.0001')).toBe(0);
    expect(compareQuantities('0.1', '0.10000000001')).toBe(-1);
    // floats would say 0.1 + 0.2 != 0.3; quantities do not
    expect(compareQuantities(addQuantities('0.1', '0.2'), '0.3')).toBe(0);
  });

  it('numbers for cpu cores and bytes, Value and MilliValue round up', () => {
    expect(quantityToNumber('250m')).toBe(0.25);
    expect(quantityToNumber('1Ki')).toBe(1024);
    expect(quantityToNumber('128Mi')).toBe(134217728);
    expect(quantityToNumber('-1.5')).toBe(-1.5);
    expect(quantityValue('1500m')).toBe(2n);
    expect(quantityValue('2')).toBe(2n);
    expect(quantityMilliValue('1.5')).toBe(1500n);
    expect(quantityMilliValue('1n')).toBe(1n);
  });

  it('arithmetic keeps the first operand format', () => {
    expect(formatQuantity(addQuantities('1Gi', '512Mi'))).toBe('1536Mi');
    expect(formatQuantity(addQuantities('250m', '250m', '500m'))).toBe('1');
    expect(formatQuantity(subtractQuantities('1', '250m'))).toBe('750m');
    expect(formatQuantity(milliQuantity(250))).toBe('250m');
  });
});

describe('formatQuantity: canonical form', () => {
  const cases: Array<[string | number, string]> = [
    ['500m', '500m'],
    ['0.5', '500m'],
    ['1.5', '1500m'],
    ['0.1', '100m'],
    ['1', '1'],
    ['1000', '1k'],
    ['1500', '1500'],
    ['1000000', '1M'],
    ['128Mi', '128Mi'],
    ['1.5Gi', '1536Mi'],
    ['1024Mi', '1Gi'],
    ['1536', '1536'],
    ['1Ki', '1Ki'],
    ['0.5Ki', '512'],
    ['1G', '1G'],
    ['1e3', '1e3'],
    ['1e6', '1e6'],
    ['1.5e3', '1500'],
    ['100u', '100u'],
    ['1n', '1n'],
    ['0', '0'],
    ['0Gi', '0'],
    ['-1.5', '-1500m'],
    ['-2Ki', '-2Ki'],
    ['1000E', '1000E'],
    ['1e21', '1e21'],
    [0.25, '250m'],
    ['1Ei', '1Ei'],
  ];
  for (const [input, want] of cases) {
    it(`${String(input)} → ${want}`, () => expect(formatQuantity(input)).toBe(want));
  }

  it('canonicalQuantity leaves garbage as it is', () => {
    expect(canonicalQuantity('1.5')).toBe('1500m');
    expect(canonicalQuantity('lots')).toBe('lots');
  });
});

describe('properties', () => {
  const suffix = fc.constantFrom('', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'Ki', 'Mi', 'Gi', 'Ti', 'e3', 'e-3', 'e6');
  const quantityString = fc
    .tuple(fc.boolean(), fc.nat({ max: 999_999 }), fc.option(fc.nat({ max: 9999 }), { nil: undefined }), suffix)
    .map(([neg, int, frac, suf]) => `${neg ? '-' : ''}${int}${frac === undefined ? '' : '.' + String(frac)}${suf}`);

  it('format then parse gives back the same value (round trip)', () => {
    fc.assert(
      fc.property(quantityString, (s) => {
        const q = parseQuantity(s);
        const back = parseQuantity(formatQuantity(q));
        expect(back.nanos).toBe(q.nanos);
        // canonical form is a fixed point
        expect(formatQuantity(back)).toBe(formatQuantity(q));
      }),
      { numRuns: 500 },
    );
  });

  it('comparison agrees with exact rational arithmetic on milli values', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: -1e9, max: 1e9 }), (a, b) => {
        expect(compareQuantities(`${a}m`, `${b}m`)).toBe(Math.sign(a - b) as -1 | 0 | 1);
      }),
    );
  });
});

// resource.Quantity (k8s.io/apimachinery/pkg/api/resource): `500m`, `1.5`,
// `128Mi`, `1G`, `1e3`, `100u`, `1n`. A quantity is held exactly as a bigint
// count of nano-units (Kubernetes rounds anything finer up to 1n), so
// comparisons are exact: `1Gi` > `1G`, `0.5` == `500m`. The canonical string
// form follows Quantity.String(): `1500m`, `1536Mi`, `1k`, `1e3`, `0`.

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** Value × 10^9, exact. */
  readonly nanos: bigint;
  /** How the value is written back (decided by the suffix it was parsed with). */
  readonly format: QuantityFormat;
}

export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_NUMERIC_ERROR = 'unable to parse numeric part of quantity';
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

const NANO = 1_000_000_000n;
const DEC_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const DEC_BY_EXP = new Map(Object.entries(DEC_SUFFIXES).map(([s, e]) => [e, s]));
const BIN_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const BIN_BY_EXP = new Map(Object.entries(BIN_SUFFIXES).map(([s, e]) => [e, s]));
// Kubernetes caps BinarySI quantities at the largest int64.
const MAX_INT64_NANOS = (2n ** 63n - 1n) * NANO;
// Guard against `1e999999999` allocating a huge number; Kubernetes keeps such values
// as an arbitrary-precision decimal, kubeterm refuses them.
const MAX_EXPONENT = 1000;

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** Splits a quantity string the way parseQuantityString does; throws the format error. */
function split(str: string): { positive: boolean; num: string; denom: string; suffix: string } {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') pos++;
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && str[i] >= '0' && str[i] <= '9') i++;
  let num = str.slice(pos, i);
  if (i >= end) return { positive, num: num || '0', denom: '', suffix: '' };
  pos = i;
  if (num.length === 0) num = '0';
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    let j = pos;
    while (j < end && str[j] >= '0' && str[j] <= '9') j++;
    denom = str.slice(pos, j);
    if (j >= end) return { positive, num, denom, suffix: '' };
    pos = j;
  }
  const suffixStart = pos;
  let k = pos;
  while (k < end && 'eEinumkKMGTP'.includes(str[k])) k++;
  if (k >= end) return { positive, num, denom, suffix: str.slice(suffixStart) };
  if (str[k] === '-' || str[k] === '+') k++;
  while (k < end && str[k] >= '0' && str[k] <= '9') k++;
  if (k < end) throw new Error(QUANTITY_FORMAT_ERROR);
  return { positive, num, denom, suffix: str.slice(suffixStart) };
}

function interpretSuffix(s: string): { base: 10 | 2; exponent: number; format: QuantityFormat } {
  if (s in DEC_SUFFIXES) return { base: 10, exponent: DEC_SUFFIXES[s], format: 'DecimalSI' };
  if (s in BIN_SUFFIXES) return { base: 2, exponent: BIN_SUFFIXES[s], format: 'BinarySI' };
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E') && /^[+-]?\d+$/.test(s.slice(1))) {
    const e = Number(s.slice(1));
    if (Math.abs(e) > MAX_EXPONENT) throw new Error(QUANTITY_NUMERIC_ERROR);
    return { base: 10, exponent: e, format: 'DecimalExponent' };
  }
  throw new Error(QUANTITY_SUFFIX_ERROR);
}

/** Divides rounding away from zero (Kubernetes rounds sub-nano amounts up so a request never becomes 0). */
function divUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d === 0n ? q : q + (n > 0n ? 1n : -1n);
}

/**
 * resource.ParseQuantity. Accepts a string or a JSON number (a manifest's
 * `cpu: 0.5` arrives as a number). Throws Error with Kubernetes' messages.
 */
export function parseQuantity(input: string | number | Quantity): Quantity {
  if (typeof input === 'object' && input !== null && typeof (input as Quantity).nanos === 'bigint') return input as Quantity;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new Error(QUANTITY_FORMAT_ERROR);
    input = String(input);
  }
  if (typeof input !== 'string') throw new Error(QUANTITY_FORMAT_ERROR);
  // No trimming: Kubernetes rejects ' 1' and '1 ' (only its JSON decoder trims).
  const str = input;
  if (str.length === 0) throw new Error(QUANTITY_FORMAT_ERROR);
  if (str === '0') return { nanos: 0n, format: 'DecimalSI' };
  const { positive, num, denom, suffix } = split(str);
  const { base, exponent, format: parsedFormat } = interpretSuffix(suffix);
  let format = parsedFormat;
  // value = (num.denom) × base^exponent, kept as an exact rational digits / 10^scale.
  const digits = BigInt(num + denom);
  const scale = denom.length;
  let nanos: bigint;
  if (base === 10) {
    const shift = exponent + 9 - scale; // digits × 10^shift nanos
    nanos = shift >= 0 ? digits * pow10(shift) : divUp(digits, pow10(-shift));
  } else {
    const scaled = digits * (1n << BigInt(exponent)) * NANO;
    nanos = divUp(scaled, pow10(scale));
  }
  if (format === 'BinarySI' && nanos > MAX_INT64_NANOS) nanos = MAX_INT64_NANOS;
  // Below 1 a binary suffix cannot be written exactly; Kubernetes switches to DecimalSI.
  if (format === 'BinarySI' && nanos < NANO && nanos > 0n) format = 'DecimalSI';
  if (!positive) nanos = -nanos;
  return { nanos, format };
}

/** Like parseQuantity but returns undefined instead of throwing. */
export function tryParseQuantity(input: unknown): Quantity | undefined {
  try {
    return typeof input === 'string' || typeof input === 'number' ? parseQuantity(input) : undefined;
  } catch {
    return undefined;
  }
}

export function quantityFromNanos(nanos: bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  return { nanos, format };
}

/** A float: cores for cpu (`250m` → 0.25), bytes for memory (`1Ki` → 1024). */
export function quantityToNumber(q: Quantity | string | number): number {
  const { nanos } = parseQuantity(q);
  const whole = nanos / NANO;
  const frac = nanos % NANO;
  return Number(whole) + Number(frac) / 1e9;
}

/** Quantity.Value(): whole units, rounded up (away from zero). */
export function quantityValue(q: Quantity | string | number): bigint {
  return divUp(parseQuantity(q).nanos, NANO);
}

/** Quantity.MilliValue(): thousandths, rounded up — millicores for cpu. */
export function quantityMilliValue(q: Quantity | string | number): bigint {
  return divUp(parseQuantity(q).nanos, 1_000_000n);
}

/** -1, 0 or 1, exactly. */
export function compareQuantities(a: Quantity | string | number, b: Quantity | string | number): -1 | 0 | 1 {
  const x = parseQuantity(a).nanos;
  const y = parseQuantity(b).nanos;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function quantitiesEqual(a: Quantity | string | number, b: Quantity | string | number): boolean {
  return compareQuantities(a, b) === 0;
}

/** Sum, keeping the format of the first non-zero operand (as Quantity.Add does). */
export function addQuantities(...qs: Array<Quantity | string | number>): Quantity {
  let nanos = 0n;
  let format: QuantityFormat | undefined;
  for (const raw of qs) {
    const q = parseQuantity(raw);
    if (format === undefined && q.nanos !== 0n) format = q.format;
    nanos += q.nanos;
  }
  return { nanos, format: format ?? 'DecimalSI' };
}

export function subtractQuantities(a: Quantity | string | number, b: Quantity | string | number): Quantity {
  const x = parseQuantity(a);
  return { nanos: x.nanos - parseQuantity(b).nanos, format: x.nanos === 0n ? parseQuantity(b).format : x.format };
}

export function negateQuantity(a: Quantity | string | number): Quantity {
  const q = parseQuantity(a);
  return { nanos: -q.nanos, format: q.format };
}

/** mantissa × 10^exponent with the exponent a multiple of 3 and the mantissa an integer (AsCanonicalBytes). */
function decimalCanonical(nanos: bigint): { mantissa: bigint; exponent: number } {
  let m = nanos;
  let e = -9;
  while (m % 1000n === 0n && m !== 0n) {
    m /= 1000n;
    e += 3;
  }
  return { mantissa: m, exponent: e };
}

/**
 * Quantity.String(): the canonical form Kubernetes writes back, e.g. `1.5` →
 * `1500m`, `0.1` → `100m`, `1536Mi` stays, `1.5Gi` → `1536Mi`, `1000` → `1k`,
 * `1e3` stays `1e3`, zero → `0`.
 */
export function formatQuantity(input: Quantity | string | number): string {
  const q = parseQuantity(input);
  if (q.nanos === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const abs = q.nanos < 0n ? -q.nanos : q.nanos;
    // Small or fractional values are clearer (and exact) in decimal.
    if (abs < 1024n * NANO || abs % NANO !== 0n) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    let m = q.nanos / NANO;
    let e = 0;
    while (e < 60 && m % 1024n === 0n) {
      m /= 1024n;
      e += 10;
    }
    return `${m}${BIN_BY_EXP.get(e) ?? ''}`;
  }
  let { mantissa, exponent } = decimalCanonical(q.nanos);
  if (format === 'DecimalExponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  // DecimalSI stops at E (10^18); larger values keep more digits in the mantissa.
  while (exponent > 18) {
    mantissa *= 1000n;
    exponent -= 3;
  }
  return `${mantissa}${DEC_BY_EXP.get(exponent) ?? ''}`;
}

/** Normalises a quantity string to canonical form, leaving unparsable input as it is. */
export function canonicalQuantity(s: string | number): string {
  const q = tryParseQuantity(s);
  return q ? formatQuantity(q) : String(s);
}

/** Builds a quantity from a number of whole units in a format (e.g. bytes as BinarySI). */
export function quantityFromNumber(n: number, format: QuantityFormat = 'DecimalSI'): Quantity {
  const q = parseQuantity(n);
  return { nanos: q.nanos, format };
}

/** Millicores as a DecimalSI quantity: 250 → `250m`. */
export function milliQuantity(millis: number | bigint): Quantity {
  return { nanos: BigInt(millis) * 1_000_000n, format: 'DecimalSI' };
}

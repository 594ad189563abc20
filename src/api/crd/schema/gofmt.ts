// Go's fmt renderings of decoded JSON values, as they appear in kube-apiserver
// messages: `%v` of int64/float64 (`10`, `1.5`, `1e+06`) and `%#v` of
// map[string]interface{} / []interface{} (`map[string]interface {}{"name":"a"}`).
// Integral JSON numbers decode to int64 in unstructured objects, others to float64.

export function isInt64(v: number): boolean {
  return Number.isSafeInteger(v);
}

/** strconv.FormatFloat(v, 'g', -1, 64), which is what `%v` prints for a float64. */
export function goFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mant, expText] = v.toExponential().split('e');
  const exp = Number(expText);
  // shortest formatting uses %e when exp < -4 || exp >= 6 (eprec = 6)
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const abs = Math.abs(exp);
    return `${mant}e${sign}${abs < 10 ? '0' : ''}${abs}`;
  }
  return String(v); // JS uses plain decimals in this exponent range, with the same shortest digits
}

/** `%v` of a JSON number: int64 prints as an integer, float64 as goFloat. */
export function goNumber(v: number): string {
  return isInt64(v) ? String(v) : goFloat(v);
}

/** `%q` of a string; JSON's escaping matches Go's for printable text. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** `%#v` of a value inside an unstructured object. */
export function goSharpV(v: unknown, nested = false): string {
  if (v === null || v === undefined) return nested ? 'interface {}(nil)' : '<nil>';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return `[]interface {}{${v.map((x) => goSharpV(x, true)).join(', ')}}`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).sort();
    return `map[string]interface {}{${keys.map((k) => `${goQuote(k)}:${goSharpV(o[k], true)}`).join(', ')}}`;
  }
  return String(v);
}

/**
 * field.Error's rendering of a bad value (apimachinery ErrorBody): nil prints as
 * "null" (quoted), numbers and bools with %v, strings with %q, the rest with %#v.
 */
export function fieldValueText(v: unknown): string {
  if (v === null || v === undefined) return '"null"';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  return goSharpV(v);
}

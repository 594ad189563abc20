// Length: kube-openapi's validators run in one fixed order per node; kept as one file in that order to be read beside SchemaValidator.
// OpenAPI value validation of a custom resource, following kube-openapi's
// SchemaValidator (the validator kube-apiserver runs for CRDs) step by step:
// per schema node the type, allOf/anyOf/oneOf/not, string, format, number,
// slice, enum and object validators run in that order, errors carry
// kube-openapi's names and messages (`spec.replicas in body should be less than
// or equal to 10`), and apiextensions' kubeOpenAPIResultToFieldErrors turns
// them into field errors.
//
// Why a walker and not ajv alone: ajv answers "valid or not" quickly and is
// used as a fast gate (see ajv.ts), but its errors differ from kube-openapi's
// in ways that matter for exact messages — the order validators run in, which
// anyOf/oneOf branch's errors are reported (kube-openapi keeps the branch with
// the most passing checks), int64-vs-float64 handling of bounds and
// multipleOf, Go's number formatting, quirks such as arrays passing a
// `type: string` + `format` field, and `null` never matching an enum.
//
// On update the walker ratchets like CRDValidationRatcheting (on by default
// since 1.30): a subtree whose value equals its correlated old value reports
// no errors.
import type { FieldError } from '../../errors.js';
import { fieldValueText, goFloat, goQuote, isInt64 } from './gofmt.js';
import { formatChecker } from './formats.js';
import { correlateItem, deepEqual, isJsonObject, type SNode } from './node.js';

type Code =
  | 'composite'
  | 'invalidType'
  | 'required'
  | 'tooLong'
  | 'tooShort'
  | 'pattern'
  | 'enum'
  | 'multipleOf'
  | 'max'
  | 'min'
  | 'unique'
  | 'maxItems'
  | 'minItems'
  | 'tooFewProps'
  | 'tooManyProps'
  | 'unallowedProp'
  | 'multipleOfPositive';

/** A kube-openapi errors.Validation. */
interface VErr {
  code: Code;
  name: string;
  message: string;
  value?: unknown;
  hasValue: boolean;
  values?: unknown[];
  valid?: number;
}

interface Result {
  errors: VErr[];
  matchCount: number;
}

const IN = 'body';

const newResult = (): Result => ({ errors: [], matchCount: 0 });
const merge = (r: Result, o: Result | undefined): void => {
  if (!o) return;
  if (o.errors.length) r.errors.push(...o.errors);
  r.matchCount += o.matchCount;
};
const err = (code: Code, name: string, message: string, extra: Partial<VErr> = {}): VErr => ({ code, name, message, hasValue: 'value' in extra, ...extra });
const single = (e: VErr): Result => ({ errors: [e], matchCount: 0 });

type Kind = 'null' | 'bool' | 'string' | 'int' | 'float' | 'slice' | 'map';

function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return isInt64(v) ? 'int' : 'float';
  if (Array.isArray(v)) return 'slice';
  return 'map';
}

/** kube-openapi's schemaInfoForType: the JSON type and swagger format of a decoded value. */
function schemaInfo(k: Kind): [string, string] {
  switch (k) {
    case 'bool':
      return ['boolean', ''];
    case 'string':
      return ['string', ''];
    case 'int':
      return ['integer', 'int64'];
    case 'float':
      return ['number', 'float64'];
    case 'slice':
      return ['array', ''];
    case 'map':
      return ['object', ''];
    default:
      return ['', ''];
  }
}

/** go-openapi/swag IsFloat64AJSONInteger */
function isFloat64AJSONInteger(f: number): boolean {
  if (!Number.isFinite(f) || f < -(2 ** 53) || f > 2 ** 53) return false;
  const fa = Math.abs(f);
  const g = Math.trunc(f);
  const ga = Math.abs(g);
  const diff = Math.abs(f - g);
  if (f === g) return true;
  if (f === 0 || g === 0 || diff < Number.MIN_VALUE) return diff < 1e-9 * Number.MIN_VALUE;
  return diff / Math.min(fa + ga, Number.MAX_VALUE) < 1e-9;
}

function invalidType(name: string, typeName: string, value: unknown): VErr {
  const msg = typeof value === 'string' ? `${name} in ${IN} must be of type ${typeName}: ${goQuote(value)}` : `${name} in ${IN} must be of type ${typeName}`;
  return err('invalidType', name, msg, { value });
}

function typeValidator(n: SNode, data: unknown, path: string): Result {
  const r = newResult();
  r.matchCount++;
  const types = n.types;
  if (data === null || data === undefined) {
    if (types.length > 0 && !types.includes('null') && !n.nullable) return single(invalidType(path, types.join(','), 'null'));
    return r;
  }
  const k = kindOf(data);
  const [schType, format] = schemaInfo(k);
  const isFloatInt = schType === 'number' && isFloat64AJSONInteger(data as number) && types.includes('integer');
  const isIntFloat = schType === 'integer' && types.includes('number');
  if (k !== 'string' && k !== 'slice' && n.format !== '' && !(types.includes(schType) || format === n.format || isFloatInt || isIntFloat)) {
    return single(invalidType(path, n.format, format));
  }
  if (!(types.includes('number') || types.includes('integer')) && n.format !== '' && (k === 'string' || k === 'slice')) return r;
  if (!(types.includes(schType) || isFloatInt || isIntFloat)) return single(invalidType(path, types.join(','), schType));
  return r;
}

/** utf8.RuneCountInString */
function runeCount(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

function stringValidator(n: SNode, data: string, path: string): Result | undefined {
  if (n.maxLength !== undefined && runeCount(data) > n.maxLength) {
    return single(err('tooLong', path, `${path} in ${IN} should be at most ${n.maxLength} chars long`, { value: data, valid: n.maxLength }));
  }
  if (n.minLength !== undefined && runeCount(data) < n.minLength) {
    return single(err('tooShort', path, `${path} in ${IN} should be at least ${n.minLength} chars long`, { value: data }));
  }
  if (n.pattern !== undefined) {
    const re = n.patternRe;
    if (re instanceof Error) {
      return single(err('pattern', path, `${path} in ${IN} should match '${n.pattern}, but pattern is invalid: ${re.message}'`, { value: data }));
    }
    if (re && !re.test(data)) return single(err('pattern', path, `${path} in ${IN} should match '${n.pattern}'`, { value: data }));
  }
  return undefined;
}

function numberValidator(n: SNode, data: number, path: string): Result {
  const r = newResult();
  const isInt = isInt64(data);
  const mult: VErr[] = [];
  const min: VErr[] = [];
  const max: VErr[] = [];
  if (n.multipleOf !== undefined) {
    const factor = n.multipleOf;
    if (isInt && Number.isInteger(factor) && factor !== 0) {
      if (factor < 0) mult.push(err('multipleOfPositive', path, `factor MultipleOf declared for ${path} must be positive: ${factor}`, { value: factor }));
      else if (data % factor !== 0) mult.push(err('multipleOf', path, `${path} in ${IN} should be a multiple of ${factor}`, { value: data }));
    } else if (factor < 0) {
      mult.push(err('multipleOfPositive', path, `factor MultipleOf declared for ${path} must be positive: ${goFloat(factor)}`, { value: factor }));
    } else {
      const m = factor < 1 ? (1 / factor) * data : data / factor;
      if (!isFloat64AJSONInteger(m)) mult.push(err('multipleOf', path, `${path} in ${IN} should be a multiple of ${goFloat(factor)}`, { value: data }));
    }
  }
  if (n.maximum !== undefined) {
    // int64 data is compared with int64(maximum) and printed as an integer
    const bound = isInt ? Math.trunc(n.maximum) : n.maximum;
    const fails = n.exclusiveMaximum ? data >= bound : data > bound;
    if (fails) {
      const shown = isInt ? String(bound) : goFloat(bound);
      const msg = n.exclusiveMaximum ? `${path} in ${IN} should be less than ${shown}` : `${path} in ${IN} should be less than or equal to ${shown}`;
      max.push(err('max', path, msg, { value: data }));
    }
  }
  if (n.minimum !== undefined) {
    const bound = isInt ? Math.trunc(n.minimum) : n.minimum;
    const fails = n.exclusiveMinimum ? data <= bound : data < bound;
    if (fails) {
      const shown = isInt ? String(bound) : goFloat(bound);
      const msg = n.exclusiveMinimum ? `${path} in ${IN} should be greater than ${shown}` : `${path} in ${IN} should be greater than or equal to ${shown}`;
      min.push(err('min', path, msg, { value: data }));
    }
  }
  r.errors.push(...mult, ...min, ...max);
  r.matchCount++;
  return r;
}

/** basicCommonValidator: enum membership with Go's type-converting DeepEqual (null never matches). */
function enumValidator(n: SNode, data: unknown, path: string): Result | undefined {
  if (!n.enum || n.enum.length === 0) return undefined;
  if (data !== null && data !== undefined) {
    for (const e of n.enum) {
      if (e === null || e === undefined) continue;
      if (enumEqual(data, e)) return undefined;
    }
  }
  return single(err('enum', path, `${path} in ${IN} should be one of [${n.enum.map((v) => String(v)).join(' ')}]`, { value: data, values: n.enum }));
}

function enumEqual(data: unknown, e: unknown): boolean {
  if (typeof data !== 'object' || data === null) {
    if (typeof data === 'number' && typeof e === 'number') return data === e;
    return data === e;
  }
  // compound data holds int64s where the CRD's enum holds float64s: they never DeepEqual
  if (containsNumber(data)) return false;
  return deepEqual(data, e);
}

function containsNumber(v: unknown): boolean {
  if (typeof v === 'number') return true;
  if (Array.isArray(v)) return v.some(containsNumber);
  if (isJsonObject(v)) return Object.values(v).some(containsNumber);
  return false;
}

interface Ctx {
  /** Correlated old value for ratcheting, when `hasOld`. */
  old: unknown;
  hasOld: boolean;
}

const NO_OLD: Ctx = { old: undefined, hasOld: false };

function sub(ctx: Ctx, key: string): Ctx {
  if (!ctx.hasOld || !isJsonObject(ctx.old) || !Object.prototype.hasOwnProperty.call(ctx.old, key)) return NO_OLD;
  return { old: ctx.old[key], hasOld: true };
}

function sliceValidator(n: SNode, data: unknown[], path: string, ctx: Ctx): Result {
  const r = newResult();
  const size = data.length;
  if (n.items) {
    const cache = {};
    for (let i = 0; i < size; i++) {
      const c = ctx.hasOld ? correlateItem(n, data, ctx.old, i, cache) : { old: undefined, found: false };
      merge(r, validateNode(n.items, data[i], `${path}[${i}]`, c.found ? { old: c.old, hasOld: true } : NO_OLD));
    }
  }
  let itemsSize = 0;
  if (n.itemsTuple && n.itemsTuple.length) {
    itemsSize = n.itemsTuple.length;
    for (let i = 0; i < itemsSize && i < size; i++) merge(r, validateNode(n.itemsTuple[i], data[i], `${path}[${i}]`, NO_OLD));
  }
  if (n.additionalItems !== undefined && itemsSize < size) {
    if (n.itemsTuple && n.itemsTuple.length && n.additionalItems === false) r.errors.push(err('composite', '', "array doesn't allow for additional items"));
    if (typeof n.additionalItems === 'object') {
      // kube-openapi's loop bound, kept as is
      for (let i = itemsSize; i < size - itemsSize + 1; i++) merge(r, validateNode(n.additionalItems, data[i], `${path}[${i}]`, NO_OLD));
    }
  }
  if (n.minItems !== undefined && size < n.minItems) {
    r.errors.push(err('minItems', path, `${path} in ${IN} should have at least ${n.minItems} items`, { value: size }));
  }
  if (n.maxItems !== undefined && size > n.maxItems) {
    r.errors.push(err('maxItems', path, `${path} in ${IN} should have at most ${n.maxItems} items`, { value: size, valid: n.maxItems }));
  }
  if (n.uniqueItems) {
    outer: for (let i = 1; i < size; i++) {
      for (let j = 0; j < i; j++) {
        if (deepEqual(data[i], data[j])) {
          r.errors.push(err('unique', path, `${path} in ${IN} shouldn't contain duplicates`));
          break outer;
        }
      }
    }
  }
  r.matchCount++;
  return r;
}

function objectValidator(n: SNode, data: Record<string, unknown>, path: string, ctx: Ctx): Result {
  // a field holding `undefined` would not survive JSON encoding: it is absent
  const keys = Object.keys(data).filter((k) => data[k] !== undefined);
  if (n.minProperties !== undefined && keys.length < n.minProperties) {
    return single(err('tooFewProps', path, `${path} in ${IN} should have at least ${n.minProperties} properties`, { value: keys.length }));
  }
  if (n.maxProperties !== undefined && keys.length > n.maxProperties) {
    return single(err('tooManyProps', path, `${path} in ${IN} should have at most ${n.maxProperties} properties`, { value: keys.length, valid: n.maxProperties }));
  }
  const r = newResult();
  const props = n.properties;
  const patternMatches = n.patternProperties ? (key: string) => matchingPatterns(n, key) : () => NONE;
  if (n.additionalProperties === false) {
    for (const k of keys) {
      if (!props?.has(k) && patternMatches(k).length === 0) r.errors.push(err('unallowedProp', path, `${path}.${k} in ${IN} is a forbidden property`, { value: k }));
    }
  } else if (typeof n.additionalProperties === 'object') {
    for (const k of keys) {
      if (props?.has(k) || patternMatches(k).length) continue;
      merge(r, validateNode(n.additionalProperties, data[k], `${path}.${k}`, sub(ctx, k)));
    }
  }
  if (props) {
    for (const [name, p] of props) {
      if (data[name] === undefined || !Object.prototype.hasOwnProperty.call(data, name)) continue;
      merge(r, validateNode(p, data[name], path === '' ? name : `${path}.${name}`, sub(ctx, name)));
    }
  }
  if (n.required) {
    for (const k of n.required) if (data[k] === undefined || !Object.prototype.hasOwnProperty.call(data, k)) r.errors.push(err('required', `${path}.${k}`, `${path}.${k} in ${IN} is required`));
  }
  if (n.patternProperties) {
    for (const k of keys) {
      if (props?.has(k)) continue;
      for (const p of patternMatches(k)) merge(r, validateNode(p.node, data[k], `${path}.${k}`, sub(ctx, k)));
    }
  }
  return r;
}

const NONE: never[] = [];

function matchingPatterns(n: SNode, key: string): Array<{ node: SNode }> {
  return (n.patternProperties ?? []).filter((p) => !(p.re instanceof Error) && p.re.test(key));
}

function schemaPropsValidator(n: SNode, data: unknown, path: string, ctx: Ctx): Result | undefined {
  if (!n.anyOf && !n.oneOf && !n.allOf && !n.not && !n.dependencies) return undefined;
  const main = newResult();
  if (n.anyOf) {
    let best: Result | undefined;
    let first: Result | undefined;
    let ok = false;
    for (const s of n.anyOf) {
      const res = validateNode(s, data, path, ctx, true);
      if (res.errors.length === 0) {
        best = undefined;
        ok = true;
        first ??= res;
        break;
      }
      if (!best || res.matchCount > best.matchCount) best = res;
    }
    if (!ok) main.errors.push(err('composite', '', `${goQuote(path)} must validate at least one schema (anyOf)`));
    if (best) merge(main, best);
    else if (first) merge(main, first);
  }
  if (n.oneOf) {
    let best: Result | undefined;
    let first: Result | undefined;
    let validated = 0;
    for (const s of n.oneOf) {
      const res = validateNode(s, data, path, ctx, true);
      if (res.errors.length === 0) {
        validated++;
        best = undefined;
        first ??= res;
        continue;
      }
      if (validated === 0 && (!best || res.matchCount > best.matchCount)) best = res;
    }
    if (validated !== 1) {
      const extra = validated === 0 ? 'Found none valid' : `Found ${validated} valid alternatives`;
      main.errors.push(err('composite', '', `${goQuote(path)} must validate one and only one schema (oneOf). ${extra}`));
      if (best) merge(main, best);
    } else if (first) merge(main, first);
  }
  if (n.allOf) {
    let validated = 0;
    for (const s of n.allOf) {
      const res = validateNode(s, data, path, ctx, true);
      if (res.errors.length === 0) validated++;
      merge(main, res);
    }
    if (validated !== n.allOf.length) {
      main.errors.push(err('composite', '', `${goQuote(path)} must validate all the schemas (allOf)${validated === 0 ? '. None validated' : ''}`));
    }
  }
  if (n.not) {
    const res = validateNode(n.not, data, path, ctx, true);
    if (res.errors.length === 0) main.errors.push(err('composite', '', `${goQuote(path)} must not validate the schema (not)`));
  }
  if (n.dependencies && isJsonObject(data)) {
    for (const k of Object.keys(data)) {
      const dep = n.dependencies.find((d) => d.key === k);
      if (!dep) continue;
      if (dep.node) {
        merge(main, validateNode(dep.node, data, `${path}.${k}`, ctx, true));
        continue;
      }
      for (const p of dep.props ?? []) {
        if (!Object.prototype.hasOwnProperty.call(data, p)) main.errors.push(err('composite', '', `${goQuote(path)} has a dependency on ${p}`));
      }
    }
  }
  main.matchCount++;
  return main;
}

/** SchemaValidator.Validate for one node. `sameNode` marks allOf/anyOf/oneOf/not branches, validated at the node's own path. */
export function validateNode(n: SNode, data: unknown, path: string, ctx: Ctx, sameNode = false): Result {
  // ratcheting: an unchanged value keeps whatever errors it already had
  if (!sameNode && ctx.hasOld && deepEqual(data, ctx.old)) return newResult();
  const r = newResult();
  if (data === null || data === undefined) {
    merge(r, typeValidator(n, data, path));
    merge(r, enumValidator(n, data, path));
    return r;
  }
  const k = kindOf(data);
  // each applicable validator merges its result and counts one match, as SchemaValidator.Validate does
  if (n.types.length > 0 || n.format !== '') merge(r, typeValidator(n, data, path));
  merge(r, schemaPropsValidator(n, data, path, ctx));
  if (k === 'string') {
    merge(r, stringValidator(n, data as string, path));
    const check = n.format ? formatChecker(n.format) : undefined;
    if (check && !check(data as string)) merge(r, single(invalidType(path, n.format, data)));
    r.matchCount += check ? 2 : 1;
  }
  if (k === 'int' || k === 'float') merge(r, numberValidator(n, data as number, path));
  if (k === 'slice') merge(r, sliceValidator(n, data as unknown[], path, ctx));
  merge(r, enumValidator(n, data, path));
  if (k === 'map') merge(r, objectValidator(n, data as Record<string, unknown>, path, ctx));
  r.matchCount += 4;
  return r;
}

/** Marks field errors kube-apiserver treats as blocking CEL evaluation (TypeInvalid has no FieldError type of its own here). */
export const typeInvalidErrors = new WeakSet<FieldError>();

/** apiextensions' kubeOpenAPIResultToFieldErrors. */
function toFieldError(e: VErr): FieldError {
  const field = e.name === '' || e.name === '.' ? '<nil>' : e.name.replace(/^\./, '');
  const value = e.hasValue && e.value !== undefined ? e.value : '';
  switch (e.code) {
    case 'composite':
      return { type: 'Invalid', field: '<nil>', value: '', detail: e.message };
    case 'required':
      return { type: 'Required', field };
    case 'enum': {
      const values = (e.values ?? []).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      return {
        type: 'NotSupported',
        field,
        value: e.value ?? null,
        valueText: fieldValueText(e.value ?? null),
        ...(values.length ? { detail: `supported values: ${values.map(goQuote).join(', ')}` } : {}),
      };
    }
    case 'tooLong':
      return { type: 'TooLong', field, value, detail: `may not be longer than ${e.valid ?? -1}` };
    case 'maxItems':
    case 'tooManyProps':
      // field.TooMany prints the actual count as the value: `Too many: 5: must have at most 3 items`
      return { type: 'TooMany', field, value, detail: `${String(value)}: must have at most ${e.valid ?? -1} items` };
    case 'invalidType': {
      const fe: FieldError = { type: 'Invalid', field, value, valueText: fieldValueText(value), detail: e.message };
      typeInvalidErrors.add(fe);
      return fe;
    }
    default:
      return { type: 'Invalid', field, value, valueText: fieldValueText(value), detail: e.message };
  }
}

export function validateOpenAPI(root: SNode, obj: unknown, old?: unknown): FieldError[] {
  const res = validateNode(root, obj, '', old === undefined ? NO_OLD : { old, hasOld: true });
  return res.errors.map(toFieldError);
}

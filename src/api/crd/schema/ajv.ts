// ajv as a fast gate in front of the exact walker (openapi.ts): the schema is
// translated once into plain JSON Schema that is at least as strict as
// kube-openapi, so "ajv says valid" means the walker would report nothing and
// the walk is skipped. When ajv rejects, the walker produces Kubernetes' errors.
// Schemas using constructs where ajv could be laxer than kube-openapi are not
// gated (the walker always runs).
import { Ajv, type ValidateFunction } from 'ajv';
import { formatChecker, normalizeFormat } from './formats.js';
import { goRegExp } from './regex.js';
import { additionalNode, type SNode } from './node.js';

type Json = Record<string, unknown>;

class Unsafe extends Error {}

function translate(n: SNode): Json {
  const out: Json = {};
  if (n.types.length) out.type = n.nullable ? [...n.types, 'null'] : [...n.types];
  else if (n.format) out.type = ['string', 'array', 'null']; // kube-openapi's type check for format-only nodes
  if (n.format && formatChecker(n.format)) out.format = `k8s-${normalizeFormat(n.format)}`;
  if (n.enum) {
    if (n.enum.some((v) => typeof v === 'object' && v !== null)) throw new Unsafe('compound enum');
    out.enum = n.enum.filter((v) => v !== null); // null never matches a kube-openapi enum
  }
  if (n.multipleOf !== undefined) {
    if (!Number.isInteger(n.multipleOf) || n.multipleOf <= 0) throw new Unsafe('multipleOf');
    out.multipleOf = n.multipleOf;
  }
  if (n.maximum !== undefined) out[n.exclusiveMaximum ? 'exclusiveMaximum' : 'maximum'] = n.maximum;
  if (n.minimum !== undefined) out[n.exclusiveMinimum ? 'exclusiveMinimum' : 'minimum'] = n.minimum;
  for (const k of ['maxLength', 'minLength', 'maxItems', 'minItems', 'maxProperties', 'minProperties'] as const) if (n[k] !== undefined) out[k] = n[k];
  if (n.pattern !== undefined) {
    if (n.patternRe instanceof Error) throw new Unsafe('pattern');
    out.pattern = n.pattern;
  }
  if (n.uniqueItems) out.uniqueItems = true;
  if (n.required) out.required = n.required;
  if (n.properties) out.properties = Object.fromEntries([...n.properties].map(([k, p]) => [k, translate(p)]));
  if (n.additionalProperties === false) out.additionalProperties = false;
  else if (additionalNode(n)) out.additionalProperties = translate(additionalNode(n) as SNode);
  if (n.patternProperties) {
    if (n.patternProperties.some((p) => p.re instanceof Error)) throw new Unsafe('patternProperties');
    out.patternProperties = Object.fromEntries(n.patternProperties.map((p) => [p.pattern, translate(p.node)]));
  }
  if (n.items) out.items = translate(n.items);
  if (n.itemsTuple) throw new Unsafe('tuple items');
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) if (n[k]) out[k] = (n[k] as SNode[]).map(translate);
  if (n.not) out.not = translate(n.not);
  if (n.dependencies) throw new Unsafe('dependencies');
  return out;
}

let ajv: Ajv | undefined;

function instance(): Ajv {
  if (ajv) return ajv;
  const regExp = Object.assign(
    (pattern: string) => {
      const re = goRegExp(pattern);
      if (re instanceof Error) throw re;
      return re;
    },
    { code: 'goRegExp' },
  );
  ajv = new Ajv({ strict: false, allErrors: false, validateSchema: false, addUsedSchema: false, unicodeRegExp: true, code: { regExp } });
  for (const name of ['bsonobjectid', 'uri', 'email', 'hostname', 'ipv4', 'ipv6', 'cidr', 'mac', 'uuid', 'uuid3', 'uuid4', 'uuid5', 'isbn', 'isbn10', 'isbn13', 'creditcard', 'ssn', 'hexcolor', 'rgbcolor', 'byte', 'password', 'date', 'duration', 'datetime', 'quantity']) {
    const check = formatChecker(name);
    if (check) ajv.addFormat(`k8s-${name}`, { type: 'string', validate: check });
  }
  return ajv;
}

/** The gate for a compiled schema, or undefined when it cannot be gated. */
export function compileGate(root: SNode): ValidateFunction | undefined {
  try {
    const a = instance();
    const schema = translate(root);
    const fn = a.compile(schema);
    a.removeSchema(schema); // the compiled function is cached by the caller; don't let ajv's cache grow per CRD
    return fn;
  } catch {
    return undefined;
  }
}

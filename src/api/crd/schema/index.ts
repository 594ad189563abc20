// The schema engine for custom resources: a CRD version's structural
// openAPIV3Schema compiled once (cached by schema object identity) into an
// object that defaults, prunes and validates custom resources the way
// kube-apiserver does (apiextensions-apiserver pkg/apiserver/schema and
// validation, kube-openapi's validate package), including
// x-kubernetes-validations CEL rules.
//
//   validate() order, as the CR strategy assembles it: OpenAPI value errors,
//   embedded-resource TypeMeta/ObjectMeta errors, list-type set/map
//   duplicates, then CEL rules — or, when an earlier error is one that blocks
//   CEL (unsupported enum value, required, too long, too many, wrong type), the
//   single "some validation rules were not checked" error instead.
import type { FieldError } from '../../errors.js';
import { compileGate } from './ajv.js';
import { buildCelTree, ruleErrors, validateCel, type CelNode } from './cel.js';
import { compileNode, type SNode } from './node.js';
import { typeInvalidErrors, validateOpenAPI } from './openapi.js';
import { applyDefaults, coerceEmbedded, coerceMetadata, pruneNulls, pruneUnknown, validateEmbedded, validateListTypes } from './structural.js';

export interface CompiledSchema {
  /** Applies `default`s in place, as the apiserver does on create/update and on read (defaults inside objects that exist; nested defaults; defaults of embedded resources). */
  applyDefaults(obj: Record<string, unknown>): void;
  /**
   * Removes, in place, fields the schema does not specify (unless
   * x-kubernetes-preserve-unknown-fields) and returns their paths (`spec.foo`,
   * `spec.items[0].bar`) for fieldValidation=Strict/Warn. apiVersion and kind
   * at the root and in embedded resources are kept; metadata there is reduced
   * to ObjectMeta's own fields (kube-apiserver round-trips it through
   * metav1.ObjectMeta), its dropped fields reported as `metadata.foo`. Also
   * drops nulls of non-nullable fields without a default, as the apiserver's
   * decoder does (not reported).
   */
  prune(obj: Record<string, unknown>): string[];
  /** OpenAPI value validation + x-kubernetes-validations CEL rules (`oldSelf` rules only on update, for values that existed before), in Kubernetes' order and words. With `old`, unchanged values are ratcheted. */
  validate(obj: Record<string, unknown>, old?: Record<string, unknown>): FieldError[];
}

const NOT_CHECKED = 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

function blocks(e: FieldError): boolean {
  return e.type === 'NotSupported' || e.type === 'Required' || e.type === 'TooLong' || e.type === 'TooMany' || typeInvalidErrors.has(e);
}

class Compiled implements CompiledSchema {
  private readonly root: SNode;
  private readonly gate: ((v: unknown) => boolean) | undefined;
  private readonly cel: CelNode | undefined;
  private readonly hasEmbedded: boolean;
  private readonly hasListTypes: boolean;

  constructor(schema: Record<string, unknown>) {
    this.root = compileNode(schema);
    this.gate = compileGate(this.root);
    this.cel = buildCelTree(this.root, this.root, true);
    this.hasEmbedded = some(this.root, (n) => n.embedded);
    this.hasListTypes = some(this.root, (n) => n.listType === 'set' || n.listType === 'map');
  }

  applyDefaults(obj: Record<string, unknown>): void {
    applyDefaults(obj, this.root);
  }

  prune(obj: Record<string, unknown>): string[] {
    const meta: string[] = [];
    coerceMetadata(obj, '', meta);
    const pruned: string[] = [];
    pruneUnknown(obj, this.root, '', pruned, true);
    pruned.sort();
    pruneNulls(obj, this.root);
    const embedded: string[] = [];
    if (this.hasEmbedded) coerceEmbedded(obj, this.root, '', embedded);
    return [...meta, ...pruned, ...embedded];
  }

  validate(obj: Record<string, unknown>, old?: Record<string, unknown>): FieldError[] {
    const errs = this.gate?.(obj) ? [] : validateOpenAPI(this.root, obj, old);
    if (this.hasEmbedded) validateEmbedded(obj, this.root, '', errs);
    if (this.hasListTypes) {
      const oldErrs: FieldError[] = [];
      if (old) validateListTypes(old, this.root, '', oldErrs);
      // on update, list-type uniqueness is only enforced if the old object satisfied it
      if (oldErrs.length === 0) validateListTypes(obj, this.root, '', errs);
    }
    if (this.cel) {
      if (errs.some(blocks)) errs.push({ type: 'Invalid', field: '<nil>', value: null, valueText: '"null"', detail: NOT_CHECKED });
      else {
        try {
          validateCel(this.cel, '', obj, old, old !== undefined, { old, found: old !== undefined }, { errors: errs, hasOld: old !== undefined });
        } catch (e) {
          errs.push({ type: 'Invalid', field: '<nil>', value: 'object', detail: `rule evaluation failed: ${e instanceof Error ? e.message : String(e)}` });
        }
      }
    }
    return errs;
  }
}

function some(n: SNode, pred: (n: SNode) => boolean): boolean {
  if (pred(n)) return true;
  const kids: SNode[] = [...(n.properties?.values() ?? []), ...(n.items ? [n.items] : []), ...(typeof n.additionalProperties === 'object' ? [n.additionalProperties] : [])];
  return kids.some((k) => some(k, pred));
}

const cache = new WeakMap<object, CompiledSchema>();

/** Compiles a CRD version's openAPIV3Schema; the same schema object always yields the same compiled schema. */
export function compileSchema(schema: Record<string, unknown>): CompiledSchema {
  let c = cache.get(schema);
  if (!c) {
    c = new Compiled(schema);
    cache.set(schema, c);
  }
  return c;
}

/** Compile-time errors of the CEL rules in a schema (for CRD validation: `<fieldPath>.x-kubernetes-validations[0].rule: Invalid value: …: compilation failed: …`). */
export function celRuleErrors(schema: Record<string, unknown>, fieldPath: string): FieldError[] {
  const root = compileNode(schema);
  const out: FieldError[] = [];
  ruleErrors(root, root, fieldPath, true, out);
  return out;
}

// ObjectMeta, labels, annotations and label selectors
// (apimachinery api/validation/objectmeta.go and apis/meta/v1/validation).
import type { KubeObject, LabelSelector } from '../meta.js';
import { isQualifiedName, isValidLabelValue, nameIsDNSLabel, type NameValidator } from '../names.js';
import { forbidden, invalid, isObj, nonNegative, required, str, tooLong, type Errs } from './field.js';

export function validateLabels(labels: unknown, path: string): Errs {
  if (!isObj(labels)) return [];
  const errs: Errs = [];
  for (const [k, v] of Object.entries(labels)) {
    for (const m of isQualifiedName(k)) errs.push(invalid(path, k, m));
    const value = typeof v === 'string' ? v : String(v);
    for (const m of isValidLabelValue(value)) errs.push(invalid(path, value, m));
  }
  return errs;
}

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateAnnotations(annotations: unknown, path: string): Errs {
  if (!isObj(annotations)) return [];
  const errs: Errs = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, m));
    size += k.length + String(v ?? '').length;
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, `must have at most ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes`));
  return errs;
}

export function validateLabelSelector(sel: unknown, path: string): Errs {
  if (!isObj(sel)) return [];
  const errs: Errs = [...validateLabels(sel.matchLabels, `${path}.matchLabels`)];
  const exprs = sel.matchExpressions;
  if (Array.isArray(exprs)) {
    exprs.forEach((e, i) => {
      const p = `${path}.matchExpressions[${i}]`;
      if (!isObj(e)) return;
      const values = Array.isArray(e.values) ? (e.values as unknown[]) : [];
      switch (e.operator) {
        case 'In':
        case 'NotIn':
          if (values.length === 0) errs.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
          break;
        case 'Exists':
        case 'DoesNotExist':
          if (values.length > 0) errs.push(forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
          break;
        default:
          errs.push(invalid(`${p}.operator`, e.operator ?? '', 'not a valid selector operator'));
      }
      for (const m of isQualifiedName(typeof e.key === 'string' ? e.key : '')) errs.push(invalid(`${p}.key`, e.key ?? '', m));
      values.forEach((v, j) => {
        for (const m of isValidLabelValue(String(v))) errs.push(invalid(`${p}.values[${j}]`, String(v), m));
      });
    });
  }
  return errs;
}

/** Whether a metav1.LabelSelector matches a label set. An empty selector matches everything. */
export function selectorMatches(sel: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!sel) return false;
  const l = labels ?? {};
  if (isObj(sel.matchLabels)) for (const [k, v] of Object.entries(sel.matchLabels)) if (l[k] !== v) return false;
  for (const e of Array.isArray(sel.matchExpressions) ? sel.matchExpressions : []) {
    if (!isObj(e)) return false;
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const vals = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !vals.includes(l[e.key])) return false;
        break;
      case 'NotIn':
        if (has && vals.includes(l[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

export function selectorIsEmpty(sel: LabelSelector | undefined): boolean {
  if (!isObj(sel)) return true;
  const labels = isObj(sel.matchLabels) ? Object.keys(sel.matchLabels).length : 0;
  return labels + (Array.isArray(sel.matchExpressions) ? sel.matchExpressions.length : 0) === 0;
}

/** ValidateObjectMeta: name (or generateName), namespace scope, generation, labels, annotations, finalizers. */
export function validateObjectMeta(obj: KubeObject, namespaced: boolean, nameFn: NameValidator, path = 'metadata'): Errs {
  const meta = (isObj(obj.metadata) ? obj.metadata : {}) as Record<string, unknown>;
  const errs: Errs = [];
  for (const k of ['name', 'generateName', 'namespace']) {
    if (meta[k] !== undefined && meta[k] !== null && typeof meta[k] !== 'string') errs.push(invalid(`${path}.${k}`, meta[k], 'must be a string'));
  }
  const name = str(meta.name);
  const generateName = str(meta.generateName);
  const namespace = str(meta.namespace);
  if (generateName) {
    for (const m of nameFn(generateName, true)) errs.push(invalid(`${path}.generateName`, generateName, m));
  }
  if (!name) {
    if (meta.name === undefined || meta.name === null || meta.name === '') errs.push(required(`${path}.name`, 'name or generateName is required'));
  } else for (const m of nameFn(name, false)) errs.push(invalid(`${path}.name`, name, m));
  if (namespaced) {
    if (!namespace) errs.push(required(`${path}.namespace`));
    else for (const m of nameIsDNSLabel(namespace, false)) errs.push(invalid(`${path}.namespace`, namespace, m));
  } else if (namespace) {
    errs.push(forbidden(`${path}.namespace`, 'not allowed on this type'));
  }
  errs.push(...nonNegative(meta.generation, `${path}.generation`));
  errs.push(...validateLabels(meta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${path}.annotations`));
  if (Array.isArray(meta.finalizers)) {
    meta.finalizers.forEach((f, i) => {
      for (const m of isQualifiedName(String(f))) errs.push(invalid(`${path}.finalizers[${i}]`, f, m));
    });
  }
  if (Array.isArray(meta.ownerReferences)) {
    const refs = meta.ownerReferences as unknown[];
    refs.forEach((r, i) => {
      const p = `${path}.ownerReferences[${i}]`;
      if (!isObj(r)) {
        errs.push(invalid(p, r ?? null, 'must be an object'));
        return;
      }
      if (!str(r.apiVersion)) errs.push(invalid(`${p}.apiVersion`, r.apiVersion ?? '', 'version must not be empty'));
      if (!str(r.kind)) errs.push(invalid(`${p}.kind`, r.kind ?? '', 'kind must not be empty'));
      if (!str(r.name)) errs.push(invalid(`${p}.name`, r.name ?? '', 'name must not be empty'));
      if (!str(r.uid)) errs.push(invalid(`${p}.uid`, r.uid ?? '', 'uid must not be empty'));
    });
    if (refs.filter((r) => isObj(r) && r.controller === true).length > 1) {
      errs.push(invalid(`${path}.ownerReferences`, refs, 'Only one reference can have Controller set to true'));
    }
  }
  return errs;
}

// Resource lists and requirements (ValidateResourceRequirements): names,
// quantities, and requests <= limits, with Kubernetes' messages.
import { compareQuantities, formatQuantity, QUANTITY_FORMAT_ERROR, tryParseQuantity } from '../quantity.js';
import { isQualifiedName } from '../names.js';
import { invalid, IS_NEGATIVE, isObj, required, type Errs } from './field.js';

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

function isHugePages(name: string): boolean {
  return name.startsWith('hugepages-');
}

/** Native resources (no domain, or a kubernetes.io domain) may be overcommitted, hugepages excepted. */
function isOvercommitAllowed(name: string): boolean {
  const native = !name.includes('/') || name.includes('kubernetes.io/');
  return native && !isHugePages(name);
}

function validateContainerResourceName(name: string, path: string): Errs {
  const errs: Errs = isQualifiedName(name).map((m) => invalid(path, name, m));
  if (errs.length) return errs;
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePages(name)) errs.push(invalid(path, name, 'must be a standard resource for containers'));
  } else if (!name.includes('kubernetes.io/') && name.startsWith('requests.')) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** Parses one quantity of a resource list, reporting it at `path` when it does not parse or is negative. */
export function validateQuantity(value: unknown, path: string): Errs {
  const q = tryParseQuantity(value);
  if (!q) return [invalid(path, typeof value === 'string' ? value : String(value), QUANTITY_FORMAT_ERROR)];
  if (q.nanos < 0n) return [invalid(path, formatQuantity(q), IS_NEGATIVE)];
  return [];
}

/** A free-form ResourceList (quota hard, PVC requests, capacity): every value must be a non-negative quantity. */
export function validateResourceList(list: unknown, path: string): Errs {
  if (!isObj(list)) return [];
  const errs: Errs = [];
  for (const [k, v] of Object.entries(list)) errs.push(...validateQuantity(v, `${path}[${k}]`));
  return errs;
}

export function validateResourceRequirements(res: unknown, path: string): Errs {
  if (!isObj(res)) return [];
  const errs: Errs = [];
  const limits = isObj(res.limits) ? res.limits : {};
  const requests = isObj(res.requests) ? res.requests : {};
  for (const [name, q] of Object.entries(limits)) {
    const p = `${path}.limits[${name}]`;
    errs.push(...validateContainerResourceName(name, p), ...validateQuantity(q, p));
  }
  for (const [name, q] of Object.entries(requests)) {
    const p = `${path}.requests[${name}]`;
    errs.push(...validateContainerResourceName(name, p));
    const qErrs = validateQuantity(q, p);
    errs.push(...qErrs);
    if (qErrs.length) continue;
    const lim = limits[name];
    if (lim !== undefined && tryParseQuantity(lim)) {
      const cmp = compareQuantities(q as string, lim as string);
      if (cmp !== 0 && !isOvercommitAllowed(name)) {
        errs.push(invalid(`${path}.requests`, formatQuantity(q as string), `must be equal to ${name} limit of ${formatQuantity(lim as string)}`));
      } else if (cmp > 0) {
        errs.push(invalid(`${path}.requests`, formatQuantity(q as string), `must be less than or equal to ${name} limit of ${formatQuantity(lim as string)}`));
      }
    } else if (lim === undefined && !isOvercommitAllowed(name)) {
      errs.push(required(`${path}.limits`, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}

// Content negotiation and query options shared by the resource handlers:
// whether the client wants a meta.k8s.io Table, which object a table row
// carries, and list/watch selectors parsed with Kubernetes' grammar (a bad
// selector is a 400 with the parser's message).
import type { IncomingMessage } from 'node:http';
import { badRequest } from '../api/errors.js';
import { fieldSelectorPredicate } from '../api/fieldselector.js';
import type { KubeObject } from '../api/meta.js';
import { parseSelector } from '../api/selectors.js';
import type { IncludeObject } from './printers/index.js';

/** True when an Accept entry asks for `as=Table;g=meta.k8s.io;v=v1` (kubectl get). */
export function wantsTable(req: IncomingMessage): boolean {
  const accept = String(req.headers.accept ?? '');
  return accept.split(',').some((entry) => {
    const params = new Map(
      entry
        .split(';')
        .slice(1)
        .map((p) => p.trim().split('=') as [string, string]),
    );
    return params.get('as') === 'Table' && params.get('g') === 'meta.k8s.io' && (params.get('v') === 'v1' || params.get('v') === 'v1beta1');
  });
}

export function includeObject(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  if (v === 'None' || v === 'Object') return v;
  return 'Metadata';
}

/** labelSelector + fieldSelector → one predicate, or a 400 naming what is wrong. */
export function selectorPredicate(q: URLSearchParams, kind: string): ((o: KubeObject) => boolean) | undefined {
  const ls = q.get('labelSelector') ?? '';
  const fs = q.get('fieldSelector') ?? '';
  if (!ls && !fs) return undefined;
  let labelOk: (o: KubeObject) => boolean = () => true;
  let fieldOk: (o: KubeObject) => boolean = () => true;
  if (ls) {
    try {
      const sel = parseSelector(ls);
      labelOk = (o) => sel.matches(o.metadata.labels);
    } catch (e) {
      throw badRequest(`unable to parse requirement: ${(e as Error).message.replace(/^unable to parse requirement: /, '')}`);
    }
  }
  if (fs) {
    try {
      fieldOk = fieldSelectorPredicate(fs, kind);
    } catch (e) {
      throw badRequest((e as Error).message);
    }
  }
  return (o) => labelOk(o) && fieldOk(o);
}

// Query parameters convert as the apiserver's (Go strconv): a value that does
// not parse is a 400, never silently a default.
const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

export function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null || v === '') return false;
  if (GO_TRUE.has(v)) return true;
  if (GO_FALSE.has(v)) return false;
  throw badRequest(`invalid value for ${name}: strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

export function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^[+-]?[0-9]+$/.test(v)) throw badRequest(`invalid value for ${name}: strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw badRequest(`invalid value for ${name}: strconv.ParseInt: parsing ${JSON.stringify(v)}: value out of range`);
  return n;
}

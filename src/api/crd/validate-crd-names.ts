// ValidateCustomResourceDefinitionNames: the resource names a CRD asks for
// (spec.names) or was granted (status.acceptedNames). Plural, singular, short
// names and categories become URL path segments and kubectl arguments, hence
// DNS-1035 labels; kinds may be mixed case but are otherwise held to the same rule.
import type { FieldError } from '../errors.js';
import { isDNS1035Label } from '../names.js';
import { invalid, isObj } from '../validation/field.js';

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

export function validateNames(names: unknown, path: string): FieldError[] {
  if (names === undefined || names === null) return [];
  if (!isObj(names)) return [invalid(path, names, 'must be an object')];
  const errs: FieldError[] = [];
  const typed = (k: string) => {
    const v = names[k];
    if (v !== undefined && v !== null && typeof v !== 'string') errs.push(invalid(`${path}.${k}`, v, 'must be a string'));
  };
  ['plural', 'singular', 'kind', 'listKind'].forEach(typed);

  const plural = text(names.plural);
  const singular = text(names.singular);
  const kind = text(names.kind);
  const listKind = text(names.listKind);
  const label = (v: string) => isDNS1035Label(v).join(',');
  if (plural && label(plural)) errs.push(invalid(`${path}.plural`, plural, label(plural)));
  if (singular && label(singular)) errs.push(invalid(`${path}.singular`, singular, label(singular)));
  const mixed = 'may have mixed case, but should otherwise match: ';
  if (kind && label(kind.toLowerCase())) errs.push(invalid(`${path}.kind`, kind, mixed + label(kind.toLowerCase())));
  if (listKind && label(listKind.toLowerCase())) errs.push(invalid(`${path}.listKind`, listKind, mixed + label(listKind.toLowerCase())));

  errs.push(...labelList(names.shortNames, `${path}.shortNames`));
  // kind and listKind may not be the same or parsing becomes ambiguous
  if (kind && kind === listKind) errs.push(invalid(`${path}.listKind`, listKind, 'kind and listKind may not be the same'));
  errs.push(...labelList(names.categories, `${path}.categories`));
  return errs;
}

function labelList(v: unknown, path: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return [invalid(path, v, 'must be a list of strings')];
  const errs: FieldError[] = [];
  v.forEach((x, i) => {
    const s = typeof x === 'string' ? x : '';
    const m = isDNS1035Label(s);
    if (typeof x !== 'string') errs.push(invalid(`${path}[${i}]`, x, 'must be a string'));
    else if (m.length > 0) errs.push(invalid(`${path}[${i}]`, s, m.join(',')));
  });
  return errs;
}

// Field selectors as the Kubernetes API server understands them
// (k8s.io/apimachinery/pkg/fields plus the per-kind field label conversion
// functions and selectable fields of pkg/apis/*/v1 and pkg/registry):
//   `metadata.name=web`, `status.phase!=Running,spec.nodeName=node-1`, `a==b`.
// Values may escape `\,`, `\=` and `\\`. Unsupported fields fail with the
// exact Kubernetes wording (`field label not supported: X` for kinds with their
// own conversion function, the metav1 default message for the rest).
import type { KubeObject } from './meta.js';

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

export interface FieldSelector {
  matches(obj: KubeObject): boolean;
  /** Kubernetes' String(): `a=b,c!=d` with values escaped. */
  toString(): string;
  empty(): boolean;
  readonly requirements: readonly FieldRequirement[];
}

type Getter = (o: any) => string;

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const name: Getter = (o) => str(o.metadata?.name);
const namespace: Getter = (o) => str(o.metadata?.namespace);
const META: Record<string, Getter> = { 'metadata.name': name, 'metadata.namespace': namespace };

interface KindFields {
  fields: Record<string, Getter>;
  /** Kinds with their own conversion function say `field label not supported: X`. */
  custom: boolean;
  /** Old names the server rewrites (Pod `spec.host` → `spec.nodeName`). */
  aliases?: Record<string, string>;
}

// Selectable fields per kind, as the registries of the Kubernetes API server expose them.
const KIND_FIELDS: Record<string, KindFields> = {
  Pod: {
    custom: true,
    aliases: { 'spec.host': 'spec.nodeName' },
    fields: {
      ...META,
      'spec.nodeName': (o) => str(o.spec?.nodeName),
      'spec.restartPolicy': (o) => str(o.spec?.restartPolicy),
      'spec.schedulerName': (o) => str(o.spec?.schedulerName),
      'spec.serviceAccountName': (o) => str(o.spec?.serviceAccountName),
      'spec.hostNetwork': (o) => String(!!o.spec?.hostNetwork),
      'status.phase': (o) => str(o.status?.phase),
      // The registry exposes the first pod IP for both (podIPs is matched by its first entry too).
      'status.podIP': (o) => str(o.status?.podIPs?.[0]?.ip ?? o.status?.podIP),
      'status.podIPs': (o) => str(o.status?.podIPs?.[0]?.ip ?? o.status?.podIP),
      'status.nominatedNodeName': (o) => str(o.status?.nominatedNodeName),
    },
  },
  Event: {
    custom: true,
    fields: {
      ...META,
      'involvedObject.kind': (o) => str(o.involvedObject?.kind),
      'involvedObject.namespace': (o) => str(o.involvedObject?.namespace),
      'involvedObject.name': (o) => str(o.involvedObject?.name),
      'involvedObject.uid': (o) => str(o.involvedObject?.uid),
      'involvedObject.apiVersion': (o) => str(o.involvedObject?.apiVersion),
      'involvedObject.resourceVersion': (o) => str(o.involvedObject?.resourceVersion),
      'involvedObject.fieldPath': (o) => str(o.involvedObject?.fieldPath),
      reason: (o) => str(o.reason),
      reportingComponent: (o) => str(o.reportingComponent),
      source: (o) => str(o.source?.component),
      type: (o) => str(o.type),
    },
  },
  Node: { custom: true, fields: { 'metadata.name': name, 'spec.unschedulable': (o) => String(!!o.spec?.unschedulable) } },
  Namespace: { custom: true, fields: { 'metadata.name': name, 'status.phase': (o) => str(o.status?.phase) } },
  Secret: { custom: true, fields: { ...META, type: (o) => str(o.type) } },
  Service: {
    custom: true,
    fields: { ...META, 'spec.clusterIP': (o) => str(o.spec?.clusterIP), 'spec.type': (o) => str(o.spec?.type) },
  },
  ReplicationController: { custom: true, fields: { ...META, 'status.replicas': (o) => str(o.status?.replicas ?? 0) } },
  ReplicaSet: { custom: true, fields: { ...META, 'status.replicas': (o) => str(o.status?.replicas ?? 0) } },
  Job: { custom: true, fields: { ...META, 'status.successful': (o) => str(o.status?.succeeded ?? 0) } },
  CertificateSigningRequest: { custom: true, fields: { 'metadata.name': name, 'spec.signerName': (o) => str(o.spec?.signerName) } },
};

const DEFAULT_FIELDS: KindFields = { custom: false, fields: META };

/** The field labels a kind supports, for help texts and completion. */
export function supportedFieldLabels(kind: string): string[] {
  return Object.keys((KIND_FIELDS[kind] ?? DEFAULT_FIELDS).fields);
}

// ---- parsing (fields.ParseSelector) ----

function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

const TERM_OPERATORS = ['!=', '==', '='] as const;

function splitTerm(term: string): { lhs: string; op: string; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** fields.UnescapeValue: `\\`, `\,`, `\=` are escapes; a bare `,` or `=` is an error. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') out += c;
      else throw new Error(`invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') throw new Error(`invalid field selector: unescaped character in value: ${c}`);
    else out += c;
  }
  if (inSlash) throw new Error('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** fields.EscapeValue. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => '\\' + c);
}

/** Parses the syntax only (no kind check); requirements sorted as Kubernetes sorts the terms. */
export function parseFieldRequirements(selector: string): FieldRequirement[] {
  const parts = splitTerms(selector).sort();
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw new Error(`invalid selector: '${selector}'; can't understand '${part}'`);
    const value = unescapeFieldValue(t.rhs);
    reqs.push({ field: t.lhs, operator: t.op === '!=' ? '!=' : '=', value });
  }
  return reqs;
}

function fieldError(kind: string, label: string): Error {
  const kf = KIND_FIELDS[kind];
  if (kf?.custom) return new Error(`field label not supported: ${label}`);
  return new Error(`"${label}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
}

/**
 * Parses a field selector for one kind, checking each field label as the
 * API server does. Throws Error with Kubernetes' message.
 */
export function parseFieldSelector(selector: string, kind: string): FieldSelector {
  const kf = KIND_FIELDS[kind] ?? DEFAULT_FIELDS;
  const reqs = parseFieldRequirements(selector).map((r) => {
    const field = kf.aliases?.[r.field] ?? r.field;
    if (!kf.fields[field]) throw fieldError(kind, r.field);
    return { ...r, field };
  });
  const getters = reqs.map((r) => kf.fields[r.field]);
  return {
    requirements: reqs,
    empty: () => reqs.length === 0,
    matches: (obj: KubeObject) =>
      reqs.every((r, i) => {
        const v = getters[i](obj);
        return r.operator === '=' ? v === r.value : v !== r.value;
      }),
    toString: () => reqs.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(','),
  };
}

/** A predicate over objects of `kind`; '' or undefined matches everything. */
export function fieldSelectorPredicate(selector: string | undefined, kind: string): (obj: KubeObject) => boolean {
  if (!selector) return () => true;
  const sel = parseFieldSelector(selector, kind);
  return (obj) => sel.matches(obj);
}

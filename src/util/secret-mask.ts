// Keeping Secret values off the screen and out of logs. The UI shows a Secret
// through maskSecret() until the user asks to reveal it (k9s `x`), and any text
// that may quote a value (logs, errors, Events) goes through redact(). Pure
// functions over plain objects: no I/O, safe to call from the UI.

/** The shape used here (src/util is a leaf: it does not import src/api, and KubeObject fits this). */
export interface KubeObject {
  kind: string;
  metadata: { annotations?: Record<string, string> };
}

/** What a hidden value shows as: fixed width, so its length is not revealed either. */
export const SECRET_MASK = '********';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** Values shorter than this are not redacted from free text: masking every `a` or `1` would destroy the text and hide nothing. */
export const MIN_REDACT_LENGTH = 4;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

function maskValues(map: unknown, mask: string): unknown {
  if (!isObj(map)) return map;
  const out: Obj = {};
  // defineProperty, not assignment: a key named "__proto__" must stay a key, not become the prototype.
  for (const k of Object.keys(map)) Object.defineProperty(out, k, { value: mask, enumerable: true, writable: true, configurable: true });
  return out;
}

/**
 * A copy of `obj` with every value of a Secret's `data` and `stringData`
 * replaced by the mask — including the copy kubectl keeps in the
 * last-applied-configuration annotation. Keys stay visible (as in
 * `kubectl describe secret`). Objects of other kinds come back as plain copies.
 */
export function maskSecret<T extends KubeObject>(obj: T, mask: string = SECRET_MASK): T {
  const copy = JSON.parse(JSON.stringify(obj)) as T;
  if (copy?.kind !== 'Secret') return copy;
  const c = copy as unknown as Obj;
  if ('data' in c) c.data = maskValues(c.data, mask);
  if ('stringData' in c) c.stringData = maskValues(c.stringData, mask);
  const ann = copy.metadata?.annotations;
  if (ann && typeof ann[LAST_APPLIED] === 'string') {
    try {
      const last = JSON.parse(ann[LAST_APPLIED]) as Obj;
      if ('data' in last) last.data = maskValues(last.data, mask);
      if ('stringData' in last) last.stringData = maskValues(last.stringData, mask);
      ann[LAST_APPLIED] = JSON.stringify(last);
    } catch {
      // Unparsable: it may still hold values, so hide all of it.
      ann[LAST_APPLIED] = mask;
    }
  }
  return copy;
}

/** The decoded (UTF-8) values of a Secret's data and stringData, for an explicit reveal. */
export function revealSecret(obj: KubeObject): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  const o = obj as unknown as Obj;
  if (isObj(o.data)) for (const [k, v] of Object.entries(o.data)) out[k] = Buffer.from(String(v ?? ''), 'base64').toString('utf8');
  if (isObj(o.stringData)) for (const [k, v] of Object.entries(o.stringData)) out[k] = String(v ?? '');
  return out;
}

/** Every form in which a Secret's values could appear in text: as stored (base64), decoded, and line by line. */
export function secretValues(secrets: Iterable<KubeObject | string>): string[] {
  const found = new Set<string>();
  const add = (s: string) => {
    if (s.length >= MIN_REDACT_LENGTH) found.add(s);
    // A multi-line value (a PEM key, a config file) may be logged one line at a time.
    if (s.includes('\n')) for (const line of s.split(/\r?\n/)) if (line.trim().length >= MIN_REDACT_LENGTH * 2) found.add(line.trim());
  };
  for (const s of secrets) {
    if (typeof s === 'string') {
      add(s);
      continue;
    }
    if (s?.kind !== 'Secret') continue;
    const o = s as unknown as Obj;
    if (isObj(o.data)) {
      for (const v of Object.values(o.data)) {
        if (typeof v !== 'string') continue;
        add(v);
        add(Buffer.from(v, 'base64').toString('utf8'));
      }
    }
    if (isObj(o.stringData)) {
      for (const v of Object.values(o.stringData)) {
        if (typeof v !== 'string') continue;
        add(v);
        add(Buffer.from(v, 'utf8').toString('base64'));
      }
    }
  }
  // Longest first, so a value that contains another is replaced whole.
  return [...found].sort((a, b) => b.length - a.length);
}

/**
 * `text` with every Secret value in it replaced by the mask. `secrets` are
 * Secret objects (their data and stringData are used) or raw values.
 */
export function redact(text: string, secrets: Iterable<KubeObject | string>, mask: string = SECRET_MASK): string {
  const values = secretValues(secrets);
  if (!values.length || !text) return text;
  let out = text;
  for (const v of values) if (out.includes(v)) out = out.split(v).join(mask);
  return out;
}

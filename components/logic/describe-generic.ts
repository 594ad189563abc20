// `kubectl describe` of a kind it has no describer for (every custom
// resource): Name, Namespace, Labels, Annotations, then the whole object as
// nested "Label:  value" lines — API Version, Kind, Metadata (less what is
// already shown and managedFields), Spec, Status … — keys sorted, camelCase
// keys spelled as words (`creationTimestamp` → `Creation Timestamp`, `uid` →
// `UID`), as kubectl's GenericDescriber prints them. Events are added by the caller.
import type { KubeObject } from '../../src/api/meta.js';

const ACRONYMS = new Set(['API', 'URL', 'UID', 'OSB', 'GUID']);
/** Paths kubectl leaves out: shown above, or noise. */
const SKIP = new Set(['.metadata.managedFields', '.metadata.name', '.metadata.namespace', '.metadata.labels', '.metadata.annotations']);

/** camelcase.Split: runs of lower-case, of upper-case (an upper run before a lower letter gives it its last letter) and of others. */
function splitCamel(s: string): string[] {
  const parts = s.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[^A-Za-z]+/g) ?? [s];
  return parts;
}

/** kubectl's smartLabelFor: `apiVersion` → `API Version`; keys with anything but letters and '-' stay as they are. */
export function smartLabel(field: string): string {
  if (/[^\p{L}-]/u.test(field)) return field;
  return splitCamel(field)
    .filter((p) => p !== '_')
    .map((p) => (ACRONYMS.has(p.toUpperCase()) ? p.toUpperCase() : p.charAt(0).toUpperCase() + p.slice(1)))
    .join(' ');
}

const indent = (level: number) => '  '.repeat(level);

function scalar(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Lines of one map: nested maps and lists under their label, scalars `Label:  value` aligned per run, as kubectl's tabwriter lines them up. */
function content(level: number, data: Record<string, unknown>, prefix: string, out: string[]): void {
  let run: [string, string][] = [];
  const flush = () => {
    if (!run.length) return;
    const w = Math.max(...run.map(([k]) => k.length)) + 2;
    for (const [k, v] of run) out.push(`${indent(level)}${k.padEnd(w)}${v}`);
    run = [];
  };
  for (const key of Object.keys(data).sort()) {
    const path = `${prefix}.${key}`;
    if (SKIP.has(path)) continue;
    const v = data[key];
    const label = `${smartLabel(key)}:`;
    if (isMap(v)) {
      flush();
      out.push(`${indent(level)}${label}`);
      content(level + 1, v, path, out);
    } else if (Array.isArray(v)) {
      flush();
      out.push(`${indent(level)}${label}`);
      for (const item of v) {
        if (isMap(item)) content(level + 1, item, path, out);
        else out.push(`${indent(level + 1)}${scalar(item)}`);
      }
    } else run.push([label, scalar(v)]);
  }
  flush();
}

function mapLines(label: string, m: Record<string, string> | undefined, w: number): string[] {
  const entries = Object.entries(m ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (!entries.length) return [`${`${label}:`.padEnd(w)}<none>`];
  return entries.map(([k, v], i) => `${(i === 0 ? `${label}:` : '').padEnd(w)}${k}=${v}`);
}

/** The describe text of an object of a kind without its own describer (no Events section). */
export function genericDescribeLines(obj: KubeObject): string[] {
  const m = obj.metadata ?? {};
  const W = 14; // `Annotations:` and two spaces, as kubectl's tabwriter pads the top block
  const ann = { ...(m.annotations ?? {}) };
  delete ann['kubectl.kubernetes.io/last-applied-configuration'];
  const lines = [`${'Name:'.padEnd(W)}${m.name ?? ''}`, `${'Namespace:'.padEnd(W)}${m.namespace ?? ''}`, ...mapLines('Labels', m.labels, W), ...mapLines('Annotations', ann, W)];
  content(0, obj as unknown as Record<string, unknown>, '', lines);
  return lines;
}

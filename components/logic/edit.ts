// kubectl edit's rules, as pure functions: the file the editor opens (a
// header of `#` comments, then the object as YAML without managedFields), what
// counts as "no change", the JSON merge patch from what was shown to what was
// saved, the fields that must not change, and the reasons written at the top
// of the file when it is reopened after a failed save.
import { stringify } from 'yaml';
import type { KubeObject } from '../../src/api/meta.js';

export const EDIT_HEADER = `# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
`;

/** Why the file was reopened: a headline and, for an invalid object, one line per field. */
export interface EditReason {
  head: string;
  other?: string[];
}

/** The header with the reasons of the last failed save below it, each block closed by `#`. */
export function editHeader(reasons: readonly EditReason[]): string {
  let out = EDIT_HEADER;
  for (const r of reasons) {
    out += `# ${hashLines(r.head)}${r.other?.length ? ':' : ''}\n`;
    for (const o of r.other ?? []) out += `# * ${hashLines(o)}\n`;
    out += '#\n';
  }
  return out;
}

/** A multi-line message stays a comment on every line. */
function hashLines(s: string): string {
  return s.replace(/\n(?!#)/g, '\n# ');
}

/** The object as the editor shows it: everything but metadata.managedFields (kubectl edit hides them). */
export function editableObject(obj: KubeObject): KubeObject {
  const copy = JSON.parse(JSON.stringify(obj)) as KubeObject;
  delete (copy.metadata as Record<string, unknown>).managedFields;
  return copy;
}

export function editableYaml(obj: KubeObject): string {
  return stringify(editableObject(obj), { lineWidth: 0 });
}

/** The text without comment lines (kubectl compares and parses it so). */
export function stripComments(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .join('\n');
}

/** False when every line is blank or a comment: an empty file cancels the edit. */
export function hasLines(text: string): boolean {
  return text.split('\n').some((l) => {
    const t = l.trim();
    return t.length > 0 && !t.startsWith('#');
  });
}

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b) || (isMap(a) && isMap(b) && Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => deepEqual(a[k], b[k])));
}

/** RFC 7386 merge patch turning `from` into `to`: changed keys set, removed keys null, lists replaced whole. */
export function mergePatch(from: unknown, to: unknown): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const a = isMap(from) ? from : {};
  const b = isMap(to) ? to : {};
  for (const k of Object.keys(a)) if (!(k in b)) patch[k] = null;
  for (const [k, v] of Object.entries(b)) {
    if (deepEqual(a[k], v)) continue;
    if (isMap(a[k]) && isMap(v)) {
      const sub = mergePatch(a[k], v);
      if (Object.keys(sub).length) patch[k] = sub;
    } else patch[k] = v;
  }
  return patch;
}

/** kubectl's preconditions on an edit: apiVersion, kind, metadata.name and managedFields stay as they were. */
export function changesIdentity(patch: Record<string, unknown>): boolean {
  const meta = isMap(patch.metadata) ? patch.metadata : {};
  return 'apiVersion' in patch || 'kind' in patch || 'name' in meta || 'managedFields' in meta;
}

/** `deployments.apps`, `pods`: the resource as kubectl names it in edit's messages. */
export function resourceString(plural: string, group: string): string {
  return group ? `${plural}.${group}` : plural;
}

/** The reasons kubectl writes above a reopened file for an Invalid answer: `field: message` per cause. */
export function invalidReason(resource: string, name: string, causes: readonly { field?: string; message: string }[]): EditReason {
  return { head: `${resource} "${name}" was not valid`, other: causes.map((c) => `${c.field ?? ''}: ${c.message}`) };
}

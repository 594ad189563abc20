// The `:sync` diff: folder against live for one object, printed as
// `kubectl diff` prints it. kubectl writes the live object and the object the
// server would hold after the apply (a server-side dry run: "merged") as YAML
// into two temp folders and runs `diff -u -N` on them:
//
//   diff -u -N /tmp/LIVE-1234567890/apps.v1.Deployment.default.web /tmp/MERGED-0987654321/apps.v1.Deployment.default.web
//   --- /tmp/LIVE-1234567890/apps.v1.Deployment.default.web	2026-01-01 00:00:00.000000000 +0000
//   +++ /tmp/MERGED-0987654321/apps.v1.Deployment.default.web	2026-01-01 00:00:00.000000000 +0000
//   @@ -40,7 +40,7 @@
//   -  replicas: 2
//   +  replicas: 5
//
// As kubectl does: managedFields are left out, keys are sorted (sigs.k8s.io/yaml
// goes through JSON maps), lists are not indented, a Secret's values are masked
// (`***`, or `*** (before)`/`*** (after)` when they differ), an object not in
// the cluster diffs against an empty file, and no difference prints nothing.
// Fields ignored by the ignore rules (ignore-differences.ts) take the live
// value on both sides, so they never show.
import { stringify } from 'yaml';
import type { KubeObject } from '../api/meta.js';
import { withFieldsFrom, type FieldPath } from './ignore-differences.js';
import { unifiedHunks } from './unified-diff.js';

export interface DiffTextInput {
  live?: KubeObject;
  merged?: KubeObject;
  /** Fields never shown as differences. */
  ignore?: readonly FieldPath[];
  /** The time printed in the headers. */
  now: number;
  /** The numbers of the temp folders (kubectl's are random). */
  ids?: { live: string; merged: string };
}

/** `apps.v1.Deployment.default.web`, `v1.Namespace..team-a`: kubectl diff's file name. */
export function diffFileName(obj: KubeObject): string {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  return `${group ? `${group}.` : ''}${version}.${obj.kind}.${obj.metadata.namespace ?? ''}.${obj.metadata.name ?? ''}`;
}

/** The YAML kubectl writes for an object: managedFields dropped, keys sorted, lists flush with their key. */
export function kubectlYaml(obj: KubeObject | undefined): string[] {
  if (!obj) return [];
  const copy = structuredClone(obj);
  delete copy.metadata.managedFields;
  const text = stringify(copy, { sortMapEntries: true, indentSeq: false, lineWidth: 0, aliasDuplicateObjects: false });
  return text.replace(/\n$/, '').split('\n');
}

/** kubectl's Secret masking: values replaced by `***`, `*** (before)`/`*** (after)` where they differ. */
function maskSecrets(live: KubeObject | undefined, merged: KubeObject | undefined): [KubeObject | undefined, KubeObject | undefined] {
  if ((live ?? merged)?.kind !== 'Secret') return [live, merged];
  const l = live && structuredClone(live);
  const m = merged && structuredClone(merged);
  for (const field of ['data', 'stringData']) {
    const a = (l?.[field] ?? {}) as Record<string, unknown>;
    const b = (m?.[field] ?? {}) as Record<string, unknown>;
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const same = a[k] === b[k];
      if (k in a) a[k] = same ? '***' : '*** (before)';
      if (k in b) b[k] = same ? '***' : '*** (after)';
    }
  }
  return [l, m];
}

/** `2026-01-01 00:00:00.000000000 +0000` (GNU diff's header time, in UTC). */
function headerTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${iso.slice(20, 23)}000000 +0000`;
}

function tempId(seed: string): string {
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return String(1_000_000_000 + (h % 3_000_000_000));
}

/** The full diff text (lines); empty when live and merged agree. */
export function kubectlDiffText(input: DiffTextInput): string[] {
  const ref = input.merged ?? input.live;
  if (!ref) return [];
  const ignore = input.ignore ?? [];
  const merged = input.merged && ignore.length ? withFieldsFrom(input.merged, input.live ?? {}, ignore) : input.merged;
  const [live, shownMerged] = maskSecrets(input.live, merged);
  const hunks = unifiedHunks(kubectlYaml(live), kubectlYaml(shownMerged));
  if (!hunks.length) return [];
  const name = diffFileName(ref);
  const ids = input.ids ?? { live: tempId(`live/${name}/${input.now}`), merged: tempId(`merged/${name}/${input.now}`) };
  const a = `/tmp/LIVE-${ids.live}/${name}`;
  const b = `/tmp/MERGED-${ids.merged}/${name}`;
  const t = headerTime(input.now);
  return [`diff -u -N ${a} ${b}`, `--- ${a}\t${t}`, `+++ ${b}\t${t}`, ...hunks];
}

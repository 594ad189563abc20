// Pieces every kubectl describer shares (staging/src/k8s.io/kubectl/pkg/describe/describe.go):
// times in RFC 1123 with a numeric zone, the multiline label / annotation /
// taint / toleration blocks, the controller, and the Events table with the
// events kubectl's searchEvents would find for the object.
import type { KubeObject } from '../../../src/api/meta.js';
import type { Event, Taint, Toleration } from '../../../src/api/types/index.js';
import { age } from '../age.js';
import type { PrefixWriter } from './tabwriter.js';

/** What a describer may look up besides the object: the objects of a kind (ReplicaSets, Pods, Endpoints, Leases…). */
export type Lookup = (kind: string) => readonly KubeObject[];

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/**
 * Go's `time.RFC1123Z` in the local zone, as kubectl prints times
 * (`Mon, 07 Dec 2026 17:47:47 +0000`). A missing time is Go's zero time.
 */
export function rfc1123z(ts: string | undefined | null): string {
  const t = ts ? new Date(ts) : undefined;
  if (!t || Number.isNaN(t.getTime())) return 'Mon, 01 Jan 0001 00:00:00 +0000';
  const off = -t.getTimezoneOffset();
  const zone = `${off < 0 ? '-' : '+'}${two(Math.floor(Math.abs(off) / 60))}${two(Math.abs(off) % 60)}`;
  return `${DAYS[t.getDay()]}, ${two(t.getDate())} ${MONTHS[t.getMonth()]} ${t.getFullYear()} ${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())} ${zone}`;
}

/** Go's `%v` of a bool. */
export const goBool = (b: boolean | undefined): string => (b ? 'true' : 'false');

export const stringOrNone = (s: string | undefined): string => (s ? s : '<none>');

/** printLabelsMultilineWithIndent: sorted `k=v` lines, `<none>` when empty. */
export function printLabelsMultiline(w: PrefixWriter, title: string, labels: Record<string, string> | undefined, initialIndent = ''): void {
  w.write(0, `${initialIndent}${title}:\t`);
  const keys = Object.keys(labels ?? {}).sort();
  if (!keys.length) return w.line('<none>');
  keys.forEach((k, i) => {
    if (i) w.write(0, `${initialIndent}\t`);
    w.write(0, `${k}=${labels![k]}\n`);
  });
}

const SKIP_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);
const MAX_ANNOTATION_LEN = 140;

/** printAnnotationsMultiline: sorted `k: v`, long or multi-line values folded under the key and shortened. */
export function printAnnotationsMultiline(w: PrefixWriter, title: string, annotations: Record<string, string> | undefined): void {
  w.write(0, `${title}:\t`);
  const keys = Object.keys(annotations ?? {})
    .filter((k) => !SKIP_ANNOTATIONS.has(k))
    .sort();
  if (!keys.length) return w.line('<none>');
  keys.forEach((k, i) => {
    if (i) w.write(0, '\t');
    const value = annotations![k].replace(/\n$/, '');
    if (value.length + k.length + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      w.write(0, `${k}:\n`);
      for (const s of value.split('\n')) w.write(0, `\t  ${s.length > MAX_ANNOTATION_LEN - 2 ? `${s.slice(0, MAX_ANNOTATION_LEN - 2)}...` : s}\n`);
    } else w.write(0, `${k}: ${value}\n`);
  });
}

/** Taint.ToString(): `key=value:Effect`. */
export function taintText(t: Taint): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}${t.effect ? `:${t.effect}` : ''}`;
}

/** printTaintsMultilineWithIndent: sorted by effect, then key. */
export function printTaintsMultiline(w: PrefixWriter, title: string, taints: readonly Taint[] | undefined): void {
  w.write(0, `${title}:\t`);
  if (!taints?.length) return w.line('<none>');
  const key = (t: Taint) => `${t.effect ?? ''},${t.key ?? ''}`;
  [...taints]
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
    .forEach((t, i) => {
      if (i) w.write(0, '\t');
      w.write(0, `${taintText(t)}\n`);
    });
}

/** One toleration as kubectl prints it: `key=value:Effect op=Exists for 300s`. */
export function tolerationText(t: Toleration): string {
  let s = t.key ?? '';
  if (t.value) s += `=${t.value}`;
  if (t.effect) s += `:${t.effect}`;
  if (t.operator === 'Exists' && !t.value) s += t.key || t.effect ? ' op=Exists' : 'op=Exists';
  if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null) s += ` for ${t.tolerationSeconds}s`;
  return s;
}

/** printTolerationsMultilineWithIndent: sorted by key. */
export function printTolerationsMultiline(w: PrefixWriter, title: string, tolerations: readonly Toleration[] | undefined, initialIndent = ''): void {
  w.write(0, `${initialIndent}${title}:\t`);
  if (!tolerations?.length) return w.line('<none>');
  [...tolerations]
    .sort((a, b) => ((a.key ?? '') < (b.key ?? '') ? -1 : (a.key ?? '') > (b.key ?? '') ? 1 : 0))
    .forEach((t, i) => {
      if (i) w.write(0, `${initialIndent}\t`);
      w.write(0, `${tolerationText(t)}\n`);
    });
}

/** printController: `Kind/name` of the controlling owner. */
export function controllerOf(obj: KubeObject): string | undefined {
  const ref = obj.metadata.ownerReferences?.find((r) => r.controller);
  return ref ? `${ref.kind}/${ref.name}` : undefined;
}

/**
 * The events kubectl's searchEvents finds: involvedObject name, namespace,
 * kind (not for a Pod: kubectl clears it) and uid. A Node's events are those
 * with its uid, then those with its name as uid (kubelets report that way).
 */
export function eventsFor(obj: KubeObject, events: readonly KubeObject[]): Event[] {
  const m = obj.metadata;
  const kind = obj.kind === 'Pod' ? undefined : obj.kind;
  const match = (uid: string | undefined) =>
    (events as Event[]).filter((e) => {
      const io = e.involvedObject ?? {};
      if ((io.name ?? '') !== (m.name ?? '')) return false;
      if ((io.namespace ?? '') !== (m.namespace ?? '')) return false;
      if (kind && io.kind !== kind) return false;
      return !uid || io.uid === uid;
    });
  if (obj.kind === 'Node') return [...match(m.uid), ...match(m.name)];
  return match(m.uid);
}

/** SortableEvents' time: the series' last observation, else lastTimestamp, else eventTime. */
function eventSortTime(e: Event): number {
  const t = e.series?.lastObservedTime || e.lastTimestamp || e.eventTime;
  const n = t ? Date.parse(t) : NaN;
  return Number.isNaN(n) ? -Infinity : n;
}

/** DescribeEvents: `Events:\t<none>`, or the table oldest first with kubectl's Age column. */
export function describeEvents(w: PrefixWriter, events: readonly Event[], now: number): void {
  if (!events.length) return w.write(0, 'Events:\t<none>\n');
  const sorted = [...events].sort((a, b) => eventSortTime(a) - eventSortTime(b));
  w.write(0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(1, '----\t------\t----\t----\t-------\n');
  for (const e of sorted) {
    const first = e.eventTime ? age(e.eventTime, now) : age(e.firstTimestamp, now);
    const count = e.count ?? 0;
    let interval = first;
    if (e.series) interval = `${age(e.series.lastObservedTime, now)} (x${e.series.count ?? 0} over ${first})`;
    else if (count > 1) interval = `${age(e.lastTimestamp, now)} (x${count} over ${first})`;
    const source = e.source?.component || e.reportingComponent || '';
    let message = (e.message ?? '').trim();
    if (e.involvedObject?.fieldPath) message = `${e.involvedObject.fieldPath}: ${message}`;
    w.write(1, `${e.type ?? ''}\t${e.reason ?? ''}\t${interval}\t${source}\t${message}\n`);
  }
}

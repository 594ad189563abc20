// `kubectl describe`: the kinds people describe most (Pod, Deployment,
// ReplicaSet, Node, Service) exactly as kubectl's describers print them
// (describe/, line for line); RBAC kinds and custom resources by their own
// modules; for the rest the common metadata block, the rest of spec/status as
// indented YAML, and the object's Events at the bottom (matched by involvedObject uid).
import { stringify } from 'yaml';
import type { KubeObject } from '../../src/api/meta.js';
import type { Deployment, Event, Node, Pod, ReplicaSet, Secret, Service, ServiceAccount } from '../../src/api/types/index.js';
import { age } from './age.js';
import { eventLastSeen } from '../render/event.js';
import type { Lookup } from './describe/common.js';
import { describeNode } from './describe/node.js';
import { describePod } from './describe/pod.js';
import { describeService } from './describe/service.js';
import { describeDeployment, describeReplicaSet } from './describe/workloads.js';
import { genericDescribeLines } from './describe-generic.js';
import { describeRbac } from './describe-rbac.js';

type Pair = [string, string | number | undefined];

/** Top-level fields share one column, as kubectl's tabwriter lines them up. */
const TOP = 20;

function block(pairs: Pair[], indent = ''): string[] {
  const local = Math.max(...pairs.map(([k]) => k.length + 1)) + 2;
  const w = indent ? local : Math.max(local, TOP);
  return pairs.map(([k, v]) => `${indent}${`${k}:`.padEnd(w)}${v === undefined || v === '' ? '<none>' : v}`);
}

function mapLines(label: string, m: Record<string, string> | undefined, w = TOP): string[] {
  const entries = Object.entries(m ?? {});
  if (!entries.length) return [`${`${label}:`.padEnd(w)}<none>`];
  return entries.map(([k, v], i) => `${(i === 0 ? `${label}:` : '').padEnd(w)}${k}=${v}`);
}

function header(obj: KubeObject, namespaced: boolean): string[] {
  const m = obj.metadata;
  const lines = block([['Name', m.name], ...(namespaced ? ([['Namespace', m.namespace]] as Pair[]) : [])]);
  lines.push(...mapLines('Labels', m.labels));
  const ann = { ...(m.annotations ?? {}) };
  delete ann['kubectl.kubernetes.io/last-applied-configuration'];
  lines.push(...mapLines('Annotations', ann));
  lines.push(...block([['CreationTimestamp', m.creationTimestamp]]));
  if (m.deletionTimestamp) lines.push(...block([['DeletionTimestamp', m.deletionTimestamp]]));
  const owner = m.ownerReferences?.find((r) => r.controller);
  if (owner) lines.push(...block([['Controlled By', `${owner.kind}/${owner.name}`]]));
  return lines;
}

function secretBody(s: Secret): string[] {
  const lines = block([['Type', s.type ?? 'Opaque']]);
  lines.push('', 'Data', '====');
  for (const [k, v] of Object.entries(s.data ?? {})) lines.push(`${k}:  ${Buffer.from(v, 'base64').length} bytes`);
  return lines;
}

/** kubectl's ServiceAccount describer: its pull secrets, mountable secrets and (legacy) token secrets. */
function serviceAccountBody(sa: ServiceAccount): string[] {
  const names = (refs: { name?: string }[] | undefined) => (refs ?? []).map((r) => r.name ?? '').filter(Boolean);
  const tokens = names(sa.secrets).filter((n) => n.includes('-token-'));
  const lines: string[] = [];
  const multi = (label: string, values: string[]) => {
    if (!values.length) lines.push(`${`${label}:`.padEnd(TOP)}<none>`);
    else values.forEach((v, i) => lines.push(`${(i === 0 ? `${label}:` : '').padEnd(TOP)}${v}`));
  };
  multi('Image pull secrets', names(sa.imagePullSecrets));
  multi('Mountable secrets', names(sa.secrets));
  multi('Tokens', tokens);
  return lines;
}

function genericBody(obj: KubeObject): string[] {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata') rest[k] = v;
  if (!Object.keys(rest).length) return [];
  return stringify(rest, { lineWidth: 0 }).trimEnd().split('\n');
}

/** The Events section: oldest first as kubectl prints it, `<none>` when empty. */
export function eventLines(obj: KubeObject, events: readonly KubeObject[], now: number): string[] {
  const uid = obj.metadata.uid;
  const mine = (events as Event[]).filter((e) =>
    uid ? e.involvedObject?.uid === uid : e.involvedObject?.name === obj.metadata.name && e.involvedObject?.kind === obj.kind,
  );
  if (!mine.length) return ['Events:  <none>'];
  mine.sort((a, b) => Date.parse(eventLastSeen(a) ?? '') - Date.parse(eventLastSeen(b) ?? ''));
  const rows = mine.map((e) => {
    const last = age(eventLastSeen(e), now);
    const count = e.series?.count ?? e.count ?? 1;
    const ageText = count > 1 ? `${last} (x${count} over ${age(e.firstTimestamp || e.eventTime || e.metadata.creationTimestamp, now)})` : last;
    return [e.type ?? 'Normal', e.reason ?? '', ageText, e.source?.component || e.reportingComponent || '', e.message ?? ''];
  });
  const head = ['Type', 'Reason', 'Age', 'From', 'Message'];
  const all = [head, head.map((h) => '-'.repeat(h.length)), ...rows];
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return ['Events:', ...all.map((r) => `  ${r.map((c, i) => (i < r.length - 1 ? c.padEnd(w[i] + 2) : c)).join('')}`.trimEnd())];
}

/** Objects in the order the API server lists them (namespace, then name), as kubectl receives them. */
function listed(items: readonly KubeObject[]): KubeObject[] {
  const key = (o: KubeObject) => `${o.metadata.namespace ?? ''}\u0000${o.metadata.name ?? ''}`;
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export interface DescribeOptions {
  /** Kinds kubectl has no describer for (custom resources): its GenericDescriber's layout. */
  generic?: boolean;
  /** The objects of a kind a describer also reads (ReplicaSets of a Deployment, a Service's Endpoints, a Node's Pods and Lease). */
  lookup?: Lookup;
}

/**
 * `kubectl describe`. Pods, Deployments, ReplicaSets, Services and Nodes as
 * kubectl's own describers print them (describe/); with `generic` (kinds
 * kubectl has no describer for: custom resources), its GenericDescriber's
 * layout: the whole object as labelled lines.
 */
export function describe(obj: KubeObject, events: readonly KubeObject[], now: number, namespaced = true, opts: DescribeOptions = {}): string {
  if (opts.generic) return [...genericDescribeLines(obj), ...eventLines(obj, events, now)].join('\n');
  // Roles and bindings: kubectl's own layout (the rule and subject tables), without Namespace or Events.
  const rbac = describeRbac(obj);
  if (rbac) return rbac.join('\n');
  const evs = listed(events);
  const lookup: Lookup = (kind) => listed(opts.lookup?.(kind) ?? []);
  const text = (t: string) => t.replace(/\n$/, '');
  switch (obj.kind) {
    case 'Pod':
      return text(describePod(obj as Pod, evs, now));
    case 'Deployment':
      return text(describeDeployment(obj as Deployment, lookup, evs, now));
    case 'ReplicaSet':
      return text(describeReplicaSet(obj as ReplicaSet, lookup, evs, now));
    case 'Node':
      return text(describeNode(obj as Node, lookup, evs, now));
    case 'Service':
      return text(describeService(obj as Service, lookup, evs, now));
  }
  const lines = header(obj, namespaced);
  switch (obj.kind) {
    case 'Secret':
      lines.push(...secretBody(obj as Secret));
      break;
    case 'ServiceAccount':
      lines.push(...serviceAccountBody(obj as ServiceAccount));
      break;
    default:
      lines.push(...genericBody(obj));
  }
  lines.push(...eventLines(obj, events, now));
  return lines.join('\n');
}

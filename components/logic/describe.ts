// `kubectl describe`-like text: the common metadata block, a kind-specific
// block for the kinds people describe most (Pod, Deployment, ReplicaSet, Node,
// Service), the rest of spec/status as indented YAML otherwise, and the
// object's Events at the bottom (matched by involvedObject uid).
import { stringify } from 'yaml';
import type { KubeObject } from '../../src/api/meta.js';
import type { Deployment, Event, Node, Pod, ReplicaSet, Secret, Service, ServiceAccount } from '../../src/api/types/index.js';
import { age } from './age.js';
import { podSummary } from './pod-status.js';
import { selectorText } from './selector.js';
import { servicePorts } from '../render/service.js';
import { nodeRoles } from '../render/node.js';
import { eventLastSeen } from '../render/event.js';
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

function podBody(pod: Pod): string[] {
  const s = podSummary(pod);
  const lines = block([
    ['Node', pod.spec?.nodeName ? `${pod.spec.nodeName}/${pod.status?.hostIP ?? ''}` : undefined],
    ['Start Time', pod.status?.startTime],
    ['Status', s.status],
    ['IP', pod.status?.podIP],
    ['QoS Class', pod.status?.qosClass],
  ]);
  lines.push('Containers:');
  for (const c of pod.spec?.containers ?? []) {
    const st = pod.status?.containerStatuses?.find((x) => x.name === c.name);
    lines.push(`  ${c.name}:`);
    const state = st?.state;
    const stateText = state?.running ? 'Running' : state?.waiting ? 'Waiting' : state?.terminated ? 'Terminated' : 'Waiting';
    const pairs: Pair[] = [
      ['Container ID', st?.containerID],
      ['Image', c.image],
      ['Port', (c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ')],
      ['State', stateText],
    ];
    if (state?.running) pairs.push(['  Started', state.running.startedAt]);
    if (state?.waiting) pairs.push(['  Reason', state.waiting.reason]);
    if (state?.terminated) pairs.push(['  Reason', state.terminated.reason], ['  Exit Code', state.terminated.exitCode]);
    if (st?.lastState?.terminated)
      pairs.push(['Last State', 'Terminated'], ['  Reason', st.lastState.terminated.reason], ['  Exit Code', st.lastState.terminated.exitCode]);
    pairs.push(['Ready', st?.ready ? 'True' : 'False'], ['Restart Count', st?.restartCount ?? 0]);
    lines.push(...block(pairs, '    '));
  }
  lines.push('Conditions:', '  Type              Status');
  for (const c of pod.status?.conditions ?? []) lines.push(`  ${c.type.padEnd(18)}${c.status}`);
  return lines;
}

function deploymentBody(d: Deployment): string[] {
  const st = d.status ?? {};
  const want = d.spec?.replicas ?? 1;
  const total = st.replicas ?? 0;
  const lines = block([
    ['Selector', selectorText(d.spec?.selector)],
    [
      'Replicas',
      `${want} desired | ${st.updatedReplicas ?? 0} updated | ${total} total | ${st.availableReplicas ?? 0} available | ${st.unavailableReplicas ?? 0} unavailable`,
    ],
    ['StrategyType', d.spec?.strategy?.type ?? 'RollingUpdate'],
    ['MinReadySeconds', d.spec?.minReadySeconds ?? 0],
  ]);
  const ru = d.spec?.strategy?.rollingUpdate;
  if ((d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate')
    lines.push(...block([['RollingUpdateStrategy', `${ru?.maxUnavailable ?? '25%'} max unavailable, ${ru?.maxSurge ?? '25%'} max surge`]]));
  lines.push('Pod Template:', ...templateLines(d.spec?.template));
  lines.push('Conditions:', '  Type           Status  Reason', '  ----           ------  ------');
  for (const c of st.conditions ?? []) lines.push(`  ${c.type.padEnd(15)}${c.status.padEnd(8)}${c.reason ?? ''}`);
  return lines;
}

function templateLines(t: { metadata?: KubeObject['metadata']; spec?: Pod['spec'] } | undefined): string[] {
  const lines = mapLines('  Labels', t?.metadata?.labels, 16);
  lines.push('  Containers:');
  for (const c of t?.spec?.containers ?? []) {
    lines.push(`   ${c.name}:`, ...block([['Image', c.image], ['Port', (c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ')]], '    '));
  }
  return lines;
}

function replicaSetBody(rs: ReplicaSet): string[] {
  const st = rs.status ?? { replicas: 0 };
  const lines = block([
    ['Selector', selectorText(rs.spec?.selector)],
    ['Replicas', `${st.replicas ?? 0} current / ${rs.spec?.replicas ?? 1} desired`],
    ['Pods Status', `${st.readyReplicas ?? 0} Running / 0 Waiting / 0 Succeeded / 0 Failed`],
  ]);
  lines.push('Pod Template:', ...templateLines(rs.spec?.template));
  return lines;
}

function nodeBody(n: Node): string[] {
  const lines = block([
    ['Roles', nodeRoles(n)],
    ['Unschedulable', n.spec?.unschedulable ? 'true' : 'false'],
    ['Taints', (n.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(', ')],
  ]);
  lines.push('Conditions:', '  Type              Status  Reason                Message');
  for (const c of n.status?.conditions ?? []) lines.push(`  ${c.type.padEnd(18)}${c.status.padEnd(8)}${(c.reason ?? '').padEnd(22)}${c.message ?? ''}`);
  lines.push('Addresses:', ...(n.status?.addresses ?? []).map((a) => `  ${a.type}:  ${a.address}`));
  lines.push('Capacity:', ...Object.entries(n.status?.capacity ?? {}).map(([k, v]) => `  ${k}:  ${v}`));
  lines.push('Allocatable:', ...Object.entries(n.status?.allocatable ?? {}).map(([k, v]) => `  ${k}:  ${v}`));
  const info = n.status?.nodeInfo;
  if (info)
    lines.push(
      'System Info:',
      ...block(
        [
          ['Kernel Version', info.kernelVersion],
          ['OS Image', info.osImage],
          ['Container Runtime Version', info.containerRuntimeVersion],
          ['Kubelet Version', info.kubeletVersion],
        ],
        '  ',
      ),
    );
  return lines;
}

function serviceBody(s: Service): string[] {
  return block([
    ['Selector', Object.entries(s.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',')],
    ['Type', s.spec?.type ?? 'ClusterIP'],
    ['IP', s.spec?.clusterIP],
    ['Port(s)', servicePorts(s)],
    ['Session Affinity', s.spec?.sessionAffinity ?? 'None'],
  ]);
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

/**
 * `kubectl describe`. With `generic` (kinds kubectl has no describer for:
 * custom resources), its GenericDescriber's layout: the whole object as
 * labelled lines.
 */
export function describe(obj: KubeObject, events: readonly KubeObject[], now: number, namespaced = true, opts: { generic?: boolean } = {}): string {
  if (opts.generic) return [...genericDescribeLines(obj), ...eventLines(obj, events, now)].join('\n');
  // Roles and bindings: kubectl's own layout (the rule and subject tables), without Namespace or Events.
  const rbac = describeRbac(obj);
  if (rbac) return rbac.join('\n');
  const lines = header(obj, namespaced);
  switch (obj.kind) {
    case 'Pod':
      lines.push(...podBody(obj as Pod));
      break;
    case 'Deployment':
      lines.push(...deploymentBody(obj as Deployment));
      break;
    case 'ReplicaSet':
      lines.push(...replicaSetBody(obj as ReplicaSet));
      break;
    case 'Node':
      lines.push(...nodeBody(obj as Node));
      break;
    case 'Service':
      lines.push(...serviceBody(obj as Service));
      break;
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

// kubectl's Deployment and ReplicaSet describers: the rollout summary, the pod
// template (DescribePodTemplate), conditions, the old and new ReplicaSets
// (deploymentutil.GetAllReplicaSets) and events.
import { controllerRef, type KubeObject } from '../../../src/api/meta.js';
import type { Deployment, Pod, ReplicaSet } from '../../../src/api/types/index.js';
import { selectorMatcher } from '../selector.js';
import { controllerOf, describeEvents, eventsFor, printAnnotationsMultiline, printLabelsMultiline, rfc1123z, type Lookup } from './common.js';
import { describePodTemplate, formatLabelSelector, selectorString } from './pod.js';
import { PrefixWriter } from './tabwriter.js';

/** JSON with object keys sorted, for comparing templates as Go's DeepEqual would. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** EqualIgnoreHash: pod templates equal but for the pod-template-hash label. */
function templateKey(t: ReplicaSet['spec']['template'] | undefined): string {
  const copy = JSON.parse(JSON.stringify(t ?? {})) as { metadata?: { labels?: Record<string, string> } };
  if (copy.metadata?.labels) {
    delete copy.metadata.labels['pod-template-hash'];
    if (!Object.keys(copy.metadata.labels).length) delete copy.metadata.labels;
  }
  return canonical(copy);
}

/** GetAllReplicaSets: the Deployment's ReplicaSets (by selector and controller uid), the new one and all old ones. */
export function deploymentReplicaSets(d: Deployment, replicaSets: readonly KubeObject[]): { newRS?: ReplicaSet; oldRSs: ReplicaSet[] } {
  const matches = selectorMatcher(d.spec?.selector);
  const owned = (replicaSets as ReplicaSet[]).filter(
    (rs) => rs.metadata.namespace === d.metadata.namespace && matches(rs.metadata.labels) && controllerRef(rs)?.uid === d.metadata.uid,
  );
  const byAge = [...owned].sort((a, b) => {
    const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
    const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
    return ta !== tb ? ta - tb : (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
  });
  const want = templateKey(d.spec?.template as ReplicaSet['spec']['template']);
  const newRS = byAge.find((rs) => templateKey(rs.spec?.template) === want);
  return { newRS, oldRSs: owned.filter((rs) => rs !== newRS) };
}

/** printReplicaSetsByLabels. */
function replicaSetList(list: readonly ReplicaSet[]): string {
  return list.map((rs) => `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 0} replicas created)`).join(', ') || '<none>';
}

/** kubectl describe deployment. */
export function describeDeployment(d: Deployment, lookup: Lookup, events: readonly KubeObject[], now: number): string {
  const w = new PrefixWriter();
  const spec = d.spec ?? ({} as Deployment['spec']);
  const st = d.status ?? {};
  w.write(0, `Name:\t${d.metadata.name ?? ''}\n`);
  w.write(0, `Namespace:\t${d.metadata.namespace ?? ''}\n`);
  w.write(0, `CreationTimestamp:\t${rfc1123z(d.metadata.creationTimestamp)}\n`);
  printLabelsMultiline(w, 'Labels', d.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', d.metadata.annotations);
  w.write(0, `Selector:\t${selectorString(spec.selector)}\n`);
  w.write(
    0,
    `Replicas:\t${spec.replicas ?? 0} desired | ${st.updatedReplicas ?? 0} updated | ${st.replicas ?? 0} total | ${st.availableReplicas ?? 0} available | ${st.unavailableReplicas ?? 0} unavailable\n`,
  );
  w.write(0, `StrategyType:\t${spec.strategy?.type ?? ''}\n`);
  w.write(0, `MinReadySeconds:\t${spec.minReadySeconds ?? 0}\n`);
  const ru = spec.strategy?.rollingUpdate;
  if (ru) w.write(0, `RollingUpdateStrategy:\t${ru.maxUnavailable ?? 0} max unavailable, ${ru.maxSurge ?? 0} max surge\n`);
  describePodTemplate(w, spec.template);
  if (st.conditions?.length) {
    w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
    w.write(1, '----\t------\t------\n');
    for (const c of st.conditions) w.write(1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`);
  }
  const { newRS, oldRSs } = deploymentReplicaSets(d, lookup('ReplicaSet'));
  if (oldRSs.length || newRS) {
    w.write(0, `OldReplicaSets:\t${replicaSetList(oldRSs)}\n`);
    w.write(0, `NewReplicaSet:\t${replicaSetList(newRS ? [newRS] : [])}\n`);
  }
  describeEvents(w, eventsFor(d, events), now);
  return w.tabbed();
}

/** getPodStatusForController: the controller's pods by phase. */
export function podPhases(owner: KubeObject, selector: ReplicaSet['spec']['selector'] | undefined, pods: readonly KubeObject[]): string {
  const matches = selectorMatcher(selector);
  const n = { Running: 0, Pending: 0, Succeeded: 0, Failed: 0 } as Record<string, number>;
  for (const p of pods as Pod[]) {
    if (p.metadata.namespace !== owner.metadata.namespace || !matches(p.metadata.labels) || controllerRef(p)?.uid !== owner.metadata.uid) continue;
    const phase = p.status?.phase ?? '';
    if (phase in n) n[phase]++;
  }
  return `${n.Running} Running / ${n.Pending} Waiting / ${n.Succeeded} Succeeded / ${n.Failed} Failed`;
}

/** kubectl describe replicaset. */
export function describeReplicaSet(rs: ReplicaSet, lookup: Lookup, events: readonly KubeObject[], now: number): string {
  const w = new PrefixWriter();
  const st = rs.status ?? { replicas: 0 };
  w.write(0, `Name:\t${rs.metadata.name ?? ''}\n`);
  w.write(0, `Namespace:\t${rs.metadata.namespace ?? ''}\n`);
  w.write(0, `Selector:\t${formatLabelSelector(rs.spec?.selector)}\n`);
  printLabelsMultiline(w, 'Labels', rs.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', rs.metadata.annotations);
  const controller = controllerOf(rs);
  if (controller) w.write(0, `Controlled By:\t${controller}\n`);
  w.write(0, `Replicas:\t${st.replicas ?? 0} current / ${rs.spec?.replicas ?? 0} desired\n`);
  w.write(0, `Pods Status:\t${podPhases(rs, rs.spec?.selector, lookup('Pod'))}\n`);
  describePodTemplate(w, rs.spec?.template);
  const conditions = (st as { conditions?: { type: string; status: string; reason?: string }[] }).conditions;
  if (conditions?.length) {
    w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
    w.write(1, '----\t------\t------\n');
    for (const c of conditions) w.write(1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`);
  }
  describeEvents(w, eventsFor(rs, events), now);
  return w.tabbed();
}

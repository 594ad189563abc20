// Health of a live object, in Argo CD's vocabulary and with kstatus' rules:
// a Deployment is Healthy once its controller observed the latest generation
// and every replica is updated and available; Progressing meanwhile; Degraded
// when the rollout exceeded its progress deadline. Pods, PVCs and Jobs by their
// phase and conditions. A CustomResourceDefinition is Healthy once Established
// (Degraded when its names are refused). Every other kind — custom resources
// above all — is read as kstatus reads any resource: an unobserved generation
// or `Reconciling` is Progressing, `Stalled` is Degraded, a `Ready`/`Available`
// condition that is not True is Progressing, and no status at all is Healthy.
import { findCondition, type Condition, type KubeObject } from '../api/meta.js';
import type { Health } from './status.js';

export function healthOf(obj: KubeObject | undefined): Health {
  if (!obj) return { status: 'Missing', message: 'not found in the cluster' };
  if (obj.metadata.deletionTimestamp) return { status: 'Progressing', message: 'being deleted' };
  switch (obj.kind) {
    case 'Deployment':
      return deploymentHealth(obj);
    case 'StatefulSet':
    case 'ReplicaSet':
      return replicatedHealth(obj);
    case 'DaemonSet':
      return daemonSetHealth(obj);
    case 'Pod':
      return podHealth(obj);
    case 'PersistentVolumeClaim':
      return pvcHealth(obj);
    case 'Job':
      return jobHealth(obj);
    case 'CronJob':
      return obj.spec?.suspend ? { status: 'Suspended', message: 'CronJob is suspended' } : { status: 'Healthy' };
    case 'Namespace':
      return obj.status?.phase === 'Terminating' ? { status: 'Progressing', message: 'Namespace is terminating' } : { status: 'Healthy' };
    case 'CustomResourceDefinition':
      return crdHealth(obj);
    default:
      return genericHealth(obj);
  }
}

function conditionsOf(obj: KubeObject): Condition[] {
  const c = obj.status?.conditions;
  return Array.isArray(c) ? (c as Condition[]).filter((x) => x && typeof x === 'object' && typeof x.type === 'string') : [];
}

const reasonAndMessage = (c: Condition): string => [c.reason, c.message].filter(Boolean).join(': ');

/** kstatus' crdConditions: NamesAccepted=False or Established=False (not Installing) fail; Established=True is current. */
function crdHealth(crd: KubeObject): Health {
  const conds = conditionsOf(crd);
  const names = conds.find((c) => c.type === 'NamesAccepted');
  if (names?.status === 'False') return { status: 'Degraded', message: reasonAndMessage(names) || 'names not accepted' };
  const est = conds.find((c) => c.type === 'Established');
  if (est?.status === 'True') return { status: 'Healthy', message: 'CRD is established' };
  if (est?.status === 'False' && est.reason !== 'Installing') return { status: 'Degraded', message: reasonAndMessage(est) || 'not established' };
  return { status: 'Progressing', message: 'Install in progress' };
}

/**
 * kstatus' generic rules (checkGenericProperties), which it applies to every
 * kind it has no special rules for, plus the Ready/Available conventions.
 */
function genericHealth(obj: KubeObject): Health {
  const status = obj.status;
  if (status === undefined || status === null || typeof status !== 'object') return { status: 'Healthy' };
  const generation = obj.metadata.generation;
  const observedGeneration = (status as { observedGeneration?: unknown }).observedGeneration;
  if (typeof generation === 'number' && typeof observedGeneration === 'number' && observedGeneration !== generation) {
    return { status: 'Progressing', message: `${obj.kind} generation is ${generation}, but latest observed generation is ${observedGeneration}` };
  }
  const conds = conditionsOf(obj);
  for (const c of conds) {
    if (c.type === 'Reconciling' && c.status === 'True') return { status: 'Progressing', message: reasonAndMessage(c) || 'Reconciling' };
    if (c.type === 'Stalled' && c.status === 'True') return { status: 'Degraded', message: reasonAndMessage(c) || 'Stalled' };
  }
  for (const type of ['Ready', 'Available']) {
    const c = conds.find((x) => x.type === type);
    if (c && c.status !== 'True') return { status: 'Progressing', message: `${type} is ${c.status}${reasonAndMessage(c) ? `: ${reasonAndMessage(c)}` : ''}` };
  }
  return { status: 'Healthy' };
}

function observed(obj: KubeObject): boolean {
  const og = obj.status?.observedGeneration;
  return og !== undefined && og >= (obj.metadata.generation ?? 0);
}

function deploymentHealth(d: KubeObject): Health {
  if (d.spec?.paused) return { status: 'Suspended', message: 'Deployment is paused' };
  if (!observed(d)) return { status: 'Progressing', message: 'Waiting for rollout to finish: observed deployment generation less than desired generation' };
  const progressing = findCondition<Condition>(d.status?.conditions, 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { status: 'Degraded', message: `Deployment "${d.metadata.name}" exceeded its progress deadline` };
  }
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  const updated = s.updatedReplicas ?? 0;
  const total = s.replicas ?? 0;
  const available = s.availableReplicas ?? 0;
  if (updated < want) return { status: 'Progressing', message: `Waiting for rollout to finish: ${updated} out of ${want} new replicas have been updated...` };
  if (total > updated) return { status: 'Progressing', message: `Waiting for rollout to finish: ${total - updated} old replicas are pending termination...` };
  if (available < updated) return { status: 'Progressing', message: `Waiting for rollout to finish: ${available} of ${updated} updated replicas are available...` };
  return { status: 'Healthy', message: `deployment "${d.metadata.name}" successfully rolled out` };
}

function replicatedHealth(o: KubeObject): Health {
  if (!observed(o)) return { status: 'Progressing', message: 'Waiting for the controller to observe the latest generation' };
  const want = o.spec?.replicas ?? 1;
  const ready = o.status?.readyReplicas ?? 0;
  if (o.kind === 'StatefulSet' && (o.status?.updatedReplicas ?? 0) < want) {
    return { status: 'Progressing', message: `Waiting for ${want - (o.status?.updatedReplicas ?? 0)} pods to be updated...` };
  }
  if (ready < want) return { status: 'Progressing', message: `Waiting for ${want - ready} pods to be ready...` };
  return { status: 'Healthy' };
}

function daemonSetHealth(ds: KubeObject): Health {
  if (!observed(ds)) return { status: 'Progressing', message: 'Waiting for the controller to observe the latest generation' };
  const s = ds.status ?? {};
  const want = s.desiredNumberScheduled ?? 0;
  if ((s.updatedNumberScheduled ?? 0) < want) return { status: 'Progressing', message: `Waiting for daemon set "${ds.metadata.name}" rollout to finish: ${s.updatedNumberScheduled ?? 0} out of ${want} new pods have been updated...` };
  if ((s.numberAvailable ?? 0) < want) return { status: 'Progressing', message: `Waiting for daemon set "${ds.metadata.name}" rollout to finish: ${s.numberAvailable ?? 0} of ${want} updated pods are available...` };
  return { status: 'Healthy' };
}

function podHealth(p: KubeObject): Health {
  const phase = p.status?.phase;
  if (phase === 'Succeeded') return { status: 'Healthy', message: 'Pod completed' };
  if (phase === 'Failed') return { status: 'Degraded', message: p.status?.message ?? 'Pod failed' };
  const waiting = (p.status?.containerStatuses ?? []).find((c: any) => c.state?.waiting?.reason && /BackOff|Err|Invalid/.test(c.state.waiting.reason));
  if (waiting) return { status: 'Degraded', message: `${waiting.name}: ${waiting.state.waiting.reason}` };
  if (phase === 'Running' && findCondition<Condition>(p.status?.conditions, 'Ready')?.status === 'True') return { status: 'Healthy' };
  return { status: 'Progressing', message: phase ? `Pod is ${phase}` : 'Pod is Pending' };
}

function pvcHealth(pvc: KubeObject): Health {
  const phase = pvc.status?.phase;
  if (phase === 'Bound') return { status: 'Healthy' };
  if (phase === 'Lost') return { status: 'Degraded', message: 'PersistentVolumeClaim lost its volume' };
  return { status: 'Progressing', message: `PersistentVolumeClaim is ${phase ?? 'Pending'}` };
}

function jobHealth(job: KubeObject): Health {
  const conds: Condition[] = job.status?.conditions ?? [];
  const failed = conds.find((c) => c.type === 'Failed' && c.status === 'True');
  if (failed) return { status: 'Degraded', message: failed.message ?? failed.reason ?? 'Job failed' };
  if (conds.some((c) => c.type === 'Complete' && c.status === 'True')) return { status: 'Healthy', message: 'Job completed' };
  if (job.spec?.suspend) return { status: 'Suspended', message: 'Job is suspended' };
  return { status: 'Progressing', message: `${job.status?.active ?? 0} active, ${job.status?.succeeded ?? 0} succeeded` };
}

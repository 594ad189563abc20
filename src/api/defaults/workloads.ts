// apps/v1 and batch/v1 defaults (pkg/apis/apps/v1/defaults.go, pkg/apis/batch/v1/defaults.go).
import { child, isObj, normalizeEmbeddedMeta, setIfUnset, type Json } from './normalize.js';
import { defaultPodTemplate } from './pod.js';
import { defaultPVCSpec } from './storage.js';

function setIfAbsent(o: Json, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

export function defaultDeployment(obj: Json): void {
  const spec = child(obj, 'spec');
  setIfAbsent(spec, 'replicas', 1);
  const strategy = child(spec, 'strategy');
  setIfUnset(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = child(strategy, 'rollingUpdate');
    setIfAbsent(ru, 'maxUnavailable', '25%');
    setIfAbsent(ru, 'maxSurge', '25%');
  }
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  setIfAbsent(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(spec);
}

export function defaultReplicaSet(obj: Json): void {
  const spec = child(obj, 'spec');
  setIfAbsent(spec, 'replicas', 1);
  defaultPodTemplate(spec);
}

export function defaultStatefulSet(obj: Json): void {
  const spec = child(obj, 'spec');
  setIfUnset(spec, 'podManagementPolicy', 'OrderedReady');
  const us = child(spec, 'updateStrategy');
  if (!us.type) {
    us.type = 'RollingUpdate';
    child(us, 'rollingUpdate');
  }
  if (us.type === 'RollingUpdate' && isObj(us.rollingUpdate)) setIfAbsent(us.rollingUpdate, 'partition', 0);
  const retention = child(spec, 'persistentVolumeClaimRetentionPolicy');
  setIfUnset(retention, 'whenDeleted', 'Retain');
  setIfUnset(retention, 'whenScaled', 'Retain');
  setIfAbsent(spec, 'replicas', 1);
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(spec);
  if (Array.isArray(spec.volumeClaimTemplates)) {
    for (const pvc of spec.volumeClaimTemplates) {
      if (!isObj(pvc)) continue;
      normalizeEmbeddedMeta(pvc);
      defaultPVCSpec(child(pvc, 'spec'));
    }
  }
}

export function defaultDaemonSet(obj: Json): void {
  const spec = child(obj, 'spec');
  const us = child(spec, 'updateStrategy');
  setIfUnset(us, 'type', 'RollingUpdate');
  if (us.type === 'RollingUpdate') {
    const ru = child(us, 'rollingUpdate');
    setIfAbsent(ru, 'maxUnavailable', 1);
    setIfAbsent(ru, 'maxSurge', 0);
  }
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(spec);
}

/** Job spec fields; the pod template's restartPolicy is left as given (it must be OnFailure or Never). */
function defaultJobSpec(spec: Json): void {
  defaultPodTemplate(spec, 'template', { restartPolicy: false });
}

export function defaultJob(obj: Json): void {
  const spec = child(obj, 'spec');
  // Both unset: a non-parallel Job, one pod to one completion. Completions stay unset when only parallelism is given.
  if ((spec.completions === undefined || spec.completions === null) && (spec.parallelism === undefined || spec.parallelism === null)) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setIfAbsent(spec, 'parallelism', 1);
  setIfAbsent(spec, 'backoffLimit', spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null ? 2147483647 : 6);
  setIfAbsent(spec, 'completionMode', 'NonIndexed');
  setIfAbsent(spec, 'suspend', false);
  setIfAbsent(spec, 'podReplacementPolicy', isObj(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed');
  if (isObj(spec.podFailurePolicy) && Array.isArray(spec.podFailurePolicy.rules)) {
    for (const rule of spec.podFailurePolicy.rules) {
      if (isObj(rule) && Array.isArray(rule.onPodConditions)) {
        for (const p of rule.onPodConditions) if (isObj(p)) setIfUnset(p, 'status', 'True');
      }
    }
  }
  defaultJobSpec(spec);
  // A Job without labels takes its template's labels.
  const meta = child(obj, 'metadata');
  const tLabels = isObj(spec.template) && isObj(spec.template.metadata) ? spec.template.metadata.labels : undefined;
  if (isObj(tLabels) && Object.keys(tLabels).length > 0 && (!isObj(meta.labels) || Object.keys(meta.labels).length === 0)) {
    meta.labels = { ...tLabels };
  }
}

export function defaultCronJob(obj: Json): void {
  const spec = child(obj, 'spec');
  setIfUnset(spec, 'concurrencyPolicy', 'Allow');
  setIfAbsent(spec, 'suspend', false);
  setIfAbsent(spec, 'successfulJobsHistoryLimit', 3);
  setIfAbsent(spec, 'failedJobsHistoryLimit', 1);
  const jt = child(spec, 'jobTemplate');
  normalizeEmbeddedMeta(jt);
  // Only pod-level defaults reach a CronJob's job template; Job defaults apply when the Job is created.
  defaultJobSpec(child(jt, 'spec'));
}

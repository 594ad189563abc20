// batch/v1: Job and CronJob (pkg/apis/batch/validation). Cron syntax itself is checked by the CronJob controller.
import type { KubeObject } from '../meta.js';
import { forbidden, invalid, isObj, nonNegative, notSupported, required, str, type Errs } from './field.js';
import { validateLabelSelector } from './meta.js';
import { validatePodTemplateSpec } from './pod.js';
import { sortKeys } from './apps.js';

type J = Record<string, unknown>;

function validateJobSpec(specIn: unknown, path: string): Errs {
  const spec: J = isObj(specIn) ? specIn : {};
  const errs: Errs = [];
  errs.push(...nonNegative(spec.parallelism, `${path}.parallelism`));
  errs.push(...nonNegative(spec.completions, `${path}.completions`));
  errs.push(...nonNegative(spec.activeDeadlineSeconds, `${path}.activeDeadlineSeconds`));
  errs.push(...nonNegative(spec.backoffLimit, `${path}.backoffLimit`));
  errs.push(...nonNegative(spec.ttlSecondsAfterFinished, `${path}.ttlSecondsAfterFinished`));
  if (spec.selector !== undefined) errs.push(...validateLabelSelector(spec.selector, `${path}.selector`));
  const mode = spec.completionMode;
  if (mode !== undefined && mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(notSupported(`${path}.completionMode`, mode, ['NonIndexed', 'Indexed']));
  if (mode === 'Indexed' && (spec.completions === undefined || spec.completions === null)) {
    errs.push(required(`${path}.completions`, `when completion mode is Indexed`));
  }
  errs.push(...validatePodTemplateSpec(spec.template, `${path}.template`));
  const t = spec.template;
  const ps = isObj(t) && isObj(t.spec) ? t.spec : {};
  const rp = ps.restartPolicy;
  // Kubernetes defaults a missing restartPolicy to Always and then refuses it; say so in its words.
  if (rp !== 'OnFailure' && rp !== 'Never') errs.push(notSupported(`${path}.template.spec.restartPolicy`, rp ?? 'Always', ['OnFailure', 'Never']));
  return errs.filter((e) => !(e.field === `${path}.template.spec.restartPolicy` && e.type === 'Required'));
}

export function validateJob(obj: KubeObject): Errs {
  return validateJobSpec(obj.spec, 'spec');
}

/** Fields of a Job's spec that cannot change after creation. */
export function validateJobUpdate(obj: KubeObject, old: KubeObject): Errs {
  const errs: Errs = [];
  const a: J = isObj(obj.spec) ? obj.spec : {};
  const b: J = isObj(old.spec) ? old.spec : {};
  for (const k of ['completions', 'completionMode', 'podFailurePolicy', 'backoffLimitPerIndex']) {
    // completions may change together with parallelism on Indexed Jobs (elastic indexed jobs).
    if (k === 'completions' && a.completionMode === 'Indexed' && a.completions === a.parallelism) continue;
    if (JSON.stringify(sortKeys(a[k])) !== JSON.stringify(sortKeys(b[k]))) errs.push(invalid(`spec.${k}`, a[k] ?? null, 'field is immutable'));
  }
  if (b.selector !== undefined && JSON.stringify(sortKeys(a.selector)) !== JSON.stringify(sortKeys(b.selector))) {
    errs.push(invalid('spec.selector', a.selector ?? null, 'field is immutable'));
  }
  // The pod template is fixed once the Job runs; a suspended Job may still be edited.
  const ta = isObj(a.template) ? a.template.spec : undefined;
  const tb = isObj(b.template) ? b.template.spec : undefined;
  if (!(b.suspend === true) && JSON.stringify(sortKeys(ta)) !== JSON.stringify(sortKeys(tb))) {
    errs.push(invalid('spec.template', a.template ?? null, 'field is immutable'));
  }
  return errs;
}

const CONCURRENCY = ['Allow', 'Forbid', 'Replace'];

export function validateCronJob(obj: KubeObject): Errs {
  const spec: J = isObj(obj.spec) ? obj.spec : {};
  const errs: Errs = [];
  const name = str(obj.metadata?.name);
  // Job names get an 11-character suffix and must stay valid labels.
  if (name.length > 52) errs.push(invalid('metadata.name', name, 'must be no more than 52 characters'));
  if (typeof spec.schedule !== 'string' || spec.schedule.trim() === '') errs.push(required('spec.schedule'));
  else if (/TZ=|CRON_TZ=/.test(spec.schedule)) {
    errs.push(invalid('spec.schedule', spec.schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  errs.push(...nonNegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'));
  const cp = spec.concurrencyPolicy;
  if (!cp) errs.push(required('spec.concurrencyPolicy'));
  else if (!CONCURRENCY.includes(String(cp))) errs.push(notSupported('spec.concurrencyPolicy', cp, CONCURRENCY));
  errs.push(...nonNegative(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit'));
  errs.push(...nonNegative(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit'));
  const jt = spec.jobTemplate;
  if (!isObj(jt)) errs.push(required('spec.jobTemplate'));
  else {
    errs.push(...validateJobSpec(jt.spec, 'spec.jobTemplate.spec'));
    if (isObj(jt.spec) && jt.spec.selector !== undefined && jt.spec.manualSelector !== true) {
      errs.push(forbidden('spec.jobTemplate.spec.selector', '`selector` will be auto-generated'));
    }
  }
  return errs;
}

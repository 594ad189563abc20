// `kubectl create job --from=cronjob/NAME` (k9s `t` on a CronJob): a Job built
// from the CronJob's jobTemplate, marked as a manual instantiation and owned by
// the CronJob so it is listed and garbage-collected with it.
import type { KubeObject } from '../api/meta.js';
import { clone } from '../api/meta.js';

export const INSTANTIATE_ANNOTATION = 'cronjob.kubernetes.io/instantiate';

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(n: number, rand: () => number = Math.random): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)];
  return s;
}

/** Job names are DNS labels (63); leave room for `-manual-xxx`. */
export function manualJobName(cronJob: string, rand?: () => number): string {
  const base = cronJob.length > 41 ? cronJob.slice(0, 41) : cronJob;
  return `${base}-manual-${randomSuffix(3, rand)}`;
}

export function jobFromCronJob(cj: KubeObject, rand?: () => number): KubeObject {
  const tmpl = clone(cj.spec?.jobTemplate ?? {});
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: manualJobName(cj.metadata.name ?? '', rand),
      namespace: cj.metadata.namespace,
      annotations: { [INSTANTIATE_ANNOTATION]: 'manual', ...(tmpl.metadata?.annotations ?? {}) },
      ...(tmpl.metadata?.labels ? { labels: tmpl.metadata.labels } : {}),
      ownerReferences: [
        { apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name!, uid: cj.metadata.uid!, controller: true },
      ],
    },
    spec: tmpl.spec ?? {},
  };
}

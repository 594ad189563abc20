// Keys of the cronjobs table (k9s' cronjob view): trigger a Job now, suspend/resume.
import type { KubeObject } from '../../src/api/meta.js';
import type { Binding } from '../keys.js';
import { selfHealWarning } from '../logic/sync-managed.js';
import type { SyncStatusLike } from '../types.js';
import { attempt, confirm, onSelected, type ActionContext } from './context.js';

const trigger = onSelected((c, o) =>
  confirm(c, `Trigger cronjob ${o.metadata.namespace}/${o.metadata.name}?`, ['Creates a Job from the CronJob template now.'], () => {
    c.client.triggerCronJob(o.metadata.namespace ?? '', o.metadata.name ?? '').then(
      (job) => c.setFlash(`job.batch/${job.metadata.name} created`),
      (err: Error) => c.setFlash(err.message, 'error'),
    );
  }),
);

/** k9s' `s` on cronjobs: flip spec.suspend after a confirmation. */
function toggleSuspend(c: ActionContext, cj: KubeObject, syncStatus: SyncStatusLike | undefined): void {
  const ns = cj.metadata.namespace ?? '';
  const name = cj.metadata.name ?? '';
  const suspended = cj.spec?.suspend === true;
  const verb = suspended ? 'Resume' : 'Suspend';
  confirm(
    c,
    `${verb} CronJob ${ns}/${name}?`,
    [suspended ? 'Sets spec.suspend to false: the schedule runs again.' : 'Sets spec.suspend to true: no new Jobs are scheduled; running ones go on.'],
    () => attempt(c, c.client.patch('CronJob', ns, name, 'merge', { spec: { suspend: !suspended } }), `CronJob ${ns}/${name} ${suspended ? 'resumed' : 'suspended'} successfully!`),
    selfHealWarning(cj, syncStatus),
  );
}

export const CRONJOB_KEYS: Binding[] = [
  { key: 't', label: 'Trigger', views: ['CronJob'], action: 'trigger', group: 'resource', hint: true, run: trigger },
  { key: 's', label: 'Suspend/Resume', views: ['CronJob'], action: 'suspend', group: 'resource', hint: true, run: onSelected((c, o, s) => o.kind === 'CronJob' && toggleSuspend(c, o, s.syncStatus)) },
];

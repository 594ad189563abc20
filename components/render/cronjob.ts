// cronjobs: NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE.
import type { CronJob } from '../../src/api/types/index.js';
import { age, ageMs } from '../logic/age.js';
import { AGE, ageOf, NAME, name } from './common.js';
import type { Renderer } from './types.js';

export const cronJobRenderer: Renderer = {
  kind: 'CronJob',
  columns: [
    NAME,
    { name: 'SCHEDULE', priority: 0 },
    { name: 'TIMEZONE', priority: 3 },
    { name: 'SUSPEND', priority: 1 },
    { name: 'ACTIVE', priority: 1, align: 'right' },
    { name: 'LAST SCHEDULE', priority: 2, sortBy: (o, now) => ageMs((o as CronJob).status?.lastScheduleTime, now) },
    AGE,
  ],
  row(obj, now) {
    const c = obj as CronJob;
    const last = c.status?.lastScheduleTime;
    return [
      name(obj),
      c.spec?.schedule ?? '',
      c.spec?.timeZone || '<none>',
      c.spec?.suspend ? 'True' : 'False',
      String(c.status?.active?.length ?? 0),
      last ? age(last, now) : '<none>',
      ageOf(obj, now),
    ];
  },
  color: (obj) => ((obj as CronJob).spec?.suspend ? 'warn' : 'ok'),
};

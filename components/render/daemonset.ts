// daemonsets: NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE.
import type { DaemonSet } from '../../src/api/types/index.js';
import { AGE, ageOf, n, NAME, name } from './common.js';
import type { Renderer } from './types.js';

export const daemonSetRenderer: Renderer = {
  kind: 'DaemonSet',
  columns: [
    NAME,
    { name: 'DESIRED', priority: 0, align: 'right' },
    { name: 'CURRENT', priority: 1, align: 'right' },
    { name: 'READY', priority: 0, align: 'right' },
    { name: 'UP-TO-DATE', priority: 2, align: 'right' },
    { name: 'AVAILABLE', priority: 2, align: 'right' },
    { name: 'NODE SELECTOR', priority: 3 },
    AGE,
  ],
  row(obj, now) {
    const d = obj as DaemonSet;
    const st = d.status;
    const sel = Object.entries(d.spec?.template?.spec?.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
    return [
      name(obj),
      n(st?.desiredNumberScheduled ?? 0),
      n(st?.currentNumberScheduled ?? 0),
      n(st?.numberReady ?? 0),
      n(st?.updatedNumberScheduled ?? 0),
      n(st?.numberAvailable ?? 0),
      sel || '<none>',
      ageOf(obj, now),
    ];
  },
  color(obj) {
    const st = (obj as DaemonSet).status;
    if (obj.metadata.deletionTimestamp) return 'gone';
    return (st?.numberReady ?? 0) < (st?.desiredNumberScheduled ?? 0) ? 'warn' : 'ok';
  },
};

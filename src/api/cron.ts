// CronJob schedules as Kubernetes reads them (robfig/cron ParseStandard):
// exactly five fields (minute hour day-of-month month day-of-week) with
// ranges, steps, lists and names, `?` as `*`, day-of-month and day-of-week
// OR-ed when both are restricted, the @yearly/@annually/@monthly/@weekly/
// @daily/@midnight/@hourly descriptors and `@every <duration>`; evaluated in
// spec.timeZone (default UTC here: kubeterm's controller runs in UTC). The
// calendar arithmetic (including DST) is the well-kept `cron-parser`
// library's; this file only adapts syntax and errors to Kubernetes' words.
import { CronExpressionParser } from 'cron-parser';
import type { KubeObject } from './meta.js';
import { rfc3339 } from './time.js';

export interface CronSchedule {
  /** The first activation strictly after `afterMs` (ms since epoch), or undefined if there is none. */
  next(afterMs: number): number | undefined;
}

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** Throws Error with robfig/cron-style messages (Kubernetes puts them in `unparseable schedule: …` events). */
export function parseSchedule(schedule: string, timeZone?: string): CronSchedule {
  const spec = schedule.trim();
  if (spec === '') throw new Error('empty spec string');
  if (timeZone !== undefined) checkTimeZone(timeZone);
  if (spec.startsWith('@every ')) return everySchedule(spec.slice(7).trim());
  let expr = spec;
  if (spec.startsWith('@')) {
    const d = DESCRIPTORS[spec.toLowerCase()];
    if (!d) throw new Error(`unrecognized descriptor: ${spec}`);
    expr = d;
  }
  const fields = expr.split(/\s+/);
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  // cron-parser reads 6 fields as seconds-first: give it an explicit 0th second.
  const full = `0 ${fields.join(' ')}`;
  const tz = timeZone || 'UTC';
  try {
    CronExpressionParser.parse(full, { currentDate: new Date(0), tz });
  } catch (e) {
    throw new Error((e as Error).message, { cause: e });
  }
  return {
    next(afterMs: number): number | undefined {
      try {
        // Whole seconds only, like Go's time arithmetic here: activations are on minute boundaries anyway.
        const it = CronExpressionParser.parse(full, { currentDate: new Date(afterMs), tz });
        const d = it.next().toDate().getTime();
        return d > afterMs ? d : undefined;
      } catch {
        return undefined; // no activation ahead (e.g. Feb 30th)
      }
    },
  };
}

/** `Europe/Berlin` style IANA zone names; throws Go's wording for unknown ones. */
export function checkTimeZone(timeZone: string): void {
  if (timeZone === '' || timeZone === 'UTC' || timeZone === 'Local') return;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new Error(`unknown time zone ${timeZone}`);
  }
}

/** `@every 1h30m`: a constant delay from the last activation, rounded to whole seconds as robfig does. */
function everySchedule(dur: string): CronSchedule {
  const ms = parseGoDuration(dur);
  if (ms === undefined) throw new Error(`failed to parse duration @every ${dur}: time: invalid duration "${dur}"`);
  const step = Math.max(1000, Math.floor(ms / 1000) * 1000);
  return { next: (after) => Math.floor(after / 1000) * 1000 + step };
}

function parseGoDuration(s: string): number | undefined {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  if (!s) return undefined;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * units[m[2]];
    pos = re.lastIndex;
  }
  return total;
}

/** RFC 3339 local time in `timeZone` with its offset, e.g. `2026-03-08T03:30:00-04:00` (Go's time.RFC3339). */
export function formatInZone(ms: number, timeZone?: string): string {
  const tz = timeZone || 'UTC';
  if (tz === 'UTC') return rfc3339(ms);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  const offMin = Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
  if (offMin === 0) return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}Z`;
  const sign = offMin < 0 ? '-' : '+';
  const a = Math.abs(offMin);
  const off = `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${off}`;
}

/**
 * `kubectl create job NAME --from=cronjob/CJ`: the CronJob's job template as a
 * Job named NAME, owned by the CronJob and marked as a manual run. For the UI's
 * trigger action (the UI may use src/api but not the controllers).
 */
export function manualJobFromCronJob(cj: KubeObject, name: string): KubeObject {
  const t = (cj.spec?.jobTemplate ?? {}) as { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: unknown };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: cj.metadata.namespace,
      ...(t.metadata?.labels ? { labels: { ...t.metadata.labels } } : {}),
      annotations: { ...(t.metadata?.annotations ?? {}), 'cronjob.kubernetes.io/instantiate': 'manual' },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name!, uid: cj.metadata.uid!, controller: true }],
    },
    spec: JSON.parse(JSON.stringify(t.spec ?? {})),
  };
}

// Tables for the workload kinds, columns as kubectl shows them against
// Kubernetes: deployments, replicasets, statefulsets, daemonsets, jobs,
// cronjobs and horizontal pod autoscalers.
import {
  AGE_COLUMN,
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  NAME_COLUMN,
  SELECTOR_COLUMN,
  age,
  col,
  containerCells,
  formatLabels,
  formatSelector,
  hasCondition,
  humanDuration,
  n,
  since,
  type Printer,
} from './common.js';

const templateContainers = (o: { spec?: { template?: { spec?: { containers?: [] } } } }) => containerCells(o.spec?.template?.spec?.containers);

export const deploymentPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Ready', 'Number of the pod with ready state'),
    col('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', { type: 'integer' }),
    col('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', { type: 'integer' }),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  cells(d, now) {
    const s = d.status ?? {};
    const desired = n(d.spec?.replicas);
    const [names, images] = templateContainers(d);
    return [d.metadata.name ?? '', `${n(s.readyReplicas)}/${desired}`, n(s.updatedReplicas), n(s.availableReplicas), age(d, now), names, images, formatSelector(d.spec?.selector)];
  },
};

export const replicaSetPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Desired', 'Number of desired pods.', { type: 'integer' }),
    col('Current', 'Number of actual pods.', { type: 'integer' }),
    col('Ready', 'The number of ready pods.', { type: 'integer' }),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  cells(rs, now) {
    const s = rs.status ?? {};
    const [names, images] = templateContainers(rs);
    return [rs.metadata.name ?? '', n(rs.spec?.replicas), n(s.replicas), n(s.readyReplicas), age(rs, now), names, images, formatSelector(rs.spec?.selector)];
  },
};

export const statefulSetPrinter: Printer = {
  columns: [NAME_COLUMN, col('Ready', 'Number of the pod with ready state'), AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN],
  cells(ss, now) {
    const [names, images] = templateContainers(ss);
    return [ss.metadata.name ?? '', `${n(ss.status?.readyReplicas)}/${n(ss.spec?.replicas)}`, age(ss, now), names, images];
  },
};

export const daemonSetPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Desired', 'The total number of nodes that should be running the daemon pod.', { type: 'integer' }),
    col('Current', 'The number of nodes that are running at least one daemon pod and are supposed to run the daemon pod.', { type: 'integer' }),
    col('Ready', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.', { type: 'integer' }),
    col('Up-to-date', 'The total number of nodes that are running updated daemon pod', { type: 'integer' }),
    col('Available', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.', { type: 'integer' }),
    col('Node Selector', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  cells(ds, now) {
    const s = ds.status ?? {};
    const [names, images] = templateContainers(ds);
    return [
      ds.metadata.name ?? '',
      n(s.desiredNumberScheduled),
      n(s.currentNumberScheduled),
      n(s.numberReady),
      n(s.updatedNumberScheduled),
      n(s.numberAvailable),
      formatLabels(ds.spec?.template?.spec?.nodeSelector),
      age(ds, now),
      names,
      images,
      formatSelector(ds.spec?.selector),
    ];
  },
};

export const jobPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Status', 'Status of the job.'),
    col('Completions', 'The desired number of successfully finished pods the job should be run with.'),
    col('Duration', 'Time required to complete the job.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  cells(job, now) {
    const s = job.status ?? {};
    let completions: string;
    if (typeof job.spec?.completions === 'number') completions = `${n(s.succeeded)}/${job.spec.completions}`;
    else {
      const parallelism = n(job.spec?.parallelism);
      completions = parallelism > 1 ? `${n(s.succeeded)}/1 of ${parallelism}` : `${n(s.succeeded)}/1`;
    }
    let duration = '';
    if (s.startTime) {
      const start = Date.parse(s.startTime);
      duration = s.completionTime ? humanDuration(Date.parse(s.completionTime) - start) : humanDuration(now - start);
    }
    let status = 'Running';
    if (hasCondition(job, 'Complete')) status = 'Complete';
    else if (hasCondition(job, 'Failed')) status = 'Failed';
    else if (job.metadata.deletionTimestamp) status = 'Terminating';
    else if (hasCondition(job, 'SuccessCriteriaMet')) status = 'SuccessCriteriaMet';
    else if (hasCondition(job, 'Suspended')) status = 'Suspended';
    else if (hasCondition(job, 'FailureTarget')) status = 'FailureTarget';
    const [names, images] = templateContainers(job);
    return [job.metadata.name ?? '', status, completions, duration, age(job, now), names, images, formatSelector(job.spec?.selector)];
  },
};

export const cronJobPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Schedule', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    col('Timezone', 'The time zone name for the given schedule.'),
    col('Suspend', 'This flag tells the controller to suspend subsequent executions.', { type: 'boolean' }),
    col('Active', 'A list of pointers to currently running jobs.', { type: 'integer' }),
    col('Last Schedule', 'Information when was the last time the job was successfully scheduled.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  cells(cj, now) {
    const tmpl = cj.spec?.jobTemplate?.spec;
    const [names, images] = containerCells(tmpl?.template?.spec?.containers);
    const last = cj.status?.lastScheduleTime ? since(cj.status.lastScheduleTime, now) : '<none>';
    return [
      cj.metadata.name ?? '',
      cj.spec?.schedule ?? '',
      cj.spec?.timeZone ?? '<none>',
      !!cj.spec?.suspend,
      (cj.status?.active ?? []).length,
      last,
      age(cj, now),
      names,
      images,
      formatSelector(tmpl?.selector),
    ];
  },
};

interface MetricSpec {
  type: string;
  resource?: { name: string; target?: { type?: string; averageUtilization?: number; averageValue?: string; value?: string } };
}
interface MetricStatus {
  type: string;
  resource?: { name: string; current?: { averageUtilization?: number; averageValue?: string; value?: string } };
}

/** formatHPAMetrics: `cpu: 12%/50%`, `<unknown>` before the first measurement, `+ N more...` beyond one. */
function hpaTargets(specs: MetricSpec[], statuses: MetricStatus[]): string {
  if (specs.length === 0) return '<none>';
  const parts = specs.map((m, i) => {
    if (m.type === 'Resource' && m.resource) {
      const cur = statuses[i]?.resource?.current;
      const t = m.resource.target ?? {};
      if (t.averageUtilization !== undefined) {
        const c = cur?.averageUtilization !== undefined ? `${cur.averageUtilization}%` : '<unknown>';
        return `${m.resource.name}: ${c}/${t.averageUtilization}%`;
      }
      const c = cur?.averageValue ?? cur?.value ?? '<unknown>';
      return `${m.resource.name}: ${c}/${t.averageValue ?? t.value ?? ''}`;
    }
    return `<unknown>/<unknown>`;
  });
  const max = 1;
  return parts.length > max ? `${parts.slice(0, max).join(', ')} + ${parts.length - max} more...` : parts.join(', ');
}

export const hpaPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Reference', 'Reference to target resource'),
    col('Targets', 'Current and target metrics'),
    col('MinPods', 'Minimum number of replicas'),
    col('MaxPods', 'Maximum number of replicas', { type: 'integer' }),
    col('Replicas', 'Current replicas', { type: 'integer' }),
    AGE_COLUMN,
  ],
  cells(h, now) {
    const ref = h.spec?.scaleTargetRef ?? {};
    return [
      h.metadata.name ?? '',
      `${ref.kind ?? ''}/${ref.name ?? ''}`,
      hpaTargets(h.spec?.metrics ?? [], h.status?.currentMetrics ?? []),
      h.spec?.minReplicas !== undefined ? String(h.spec.minReplicas) : '<unset>',
      n(h.spec?.maxReplicas),
      n(h.status?.currentReplicas),
      age(h, now),
    ];
  },
};

// Stopping containers the way the kubelet does: the preStop hook (exec,
// httpGet, tcpSocket or sleep) within the grace period, its failure reported
// as a FailedPreStopHook Event with the handler-runner's wording, then SIGTERM
// and SIGKILL after what is left of the grace period (at least 2 s after a
// hook). Used for pod termination, probe kills, image changes and a lost
// sandbox. terminatePod is the end of a deleted pod: every container stopped,
// the last status written, containers, sandbox and volumes removed, and the
// Pod object deleted for good.
import { isStatusError } from '../api/errors.js';
import type { Container, LifecycleHandler } from '../api/types/pod.js';
import type { ContainerRecord } from './pod-status.js';
import { runProbe } from './probes/index.js';
import { formatPod, logFailure, type PodContext } from './worker-host.js';

/** preStop (exec, httpGet, tcpSocket or sleep), then SIGTERM and SIGKILL after what is left of the grace period. */
export async function stopWithHooks(ctx: PodContext, c: Container | undefined, id: string, graceSeconds: number): Promise<void> {
  const clock = ctx.host.clock;
  const t0 = clock.now();
  const hook = c?.lifecycle?.preStop;
  if (hook && graceSeconds > 0) await runPreStop(ctx, c!, id, hook, graceSeconds * 1000);
  const left = Math.max(0, graceSeconds - Math.ceil((clock.now() - t0) / 1000));
  // The kubelet gives at least 2 s after a hook that used the whole grace period (minimumGracePeriodInSeconds).
  const grace = hook ? Math.max(left, 2) : left;
  await logFailure(`stopping container ${c?.name ?? id.slice(0, 12)} of pod ${formatPod(ctx.pod)}`, ctx.host.driver.stopContainer(id, grace));
}

async function runPreStop(ctx: PodContext, c: Container, id: string, hook: LifecycleHandler, budgetMs: number): Promise<void> {
  // The kubelet's handler-runner wording: what failed, for which container of which pod, and why.
  const who = `for Container ${JSON.stringify(c.name)} in Pod ${JSON.stringify(formatPod(ctx.pod))}`;
  let failure: string | undefined;
  try {
    if (hook.exec) {
      const cmd = hook.exec.command ?? [];
      try {
        const res = await ctx.host.driver.exec(id, cmd, undefined, budgetMs);
        if (res.exitCode !== 0) {
          failure = `Exec lifecycle hook ([${cmd.join(' ')}]) ${who} failed - error: command '${cmd.join(' ')}' exited with ${res.exitCode}: , message: ${JSON.stringify(res.stdout + res.stderr)}`;
        }
      } catch (e) {
        failure = `Exec lifecycle hook ([${cmd.join(' ')}]) ${who} failed - error: ${(e as Error).message}, message: ""`;
      }
    } else if (hook.httpGet || hook.tcpSocket) {
      const res = await runProbe({ httpGet: hook.httpGet, tcpSocket: hook.tcpSocket }, { podIP: ctx.podIP() ?? '', timeoutMs: budgetMs, container: c });
      if (res.result === 'failure') failure = `${hook.httpGet ? `HTTP lifecycle hook (${hook.httpGet.path ?? ''})` : 'TCP lifecycle hook'} ${who} failed - error: ${res.output}`;
    } else if (hook.sleep) {
      const ms = Math.min(hook.sleep.seconds * 1000, budgetMs);
      await new Promise<void>((res) => ctx.host.clock.setTimeout(res, ms));
    }
  } catch (e) {
    failure = `PreStop hook ${who} failed - error: ${(e as Error).message}`;
  }
  if (failure !== undefined) await ctx.event('Warning', 'FailedPreStopHook', failure);
}

/** A pod worker as termination sees it. */
export interface TerminatingPod extends PodContext {
  readonly records: ReadonlyMap<string, ContainerRecord>;
  /** The Pod object is gone already (force delete): no status writes, no delete. */
  readonly isGone: boolean;
  /** The grace period containers are being stopped with (only ever shortened). */
  stoppingGrace?: number;
  stopTimers(): void;
  refresh(): Promise<void>;
  writeStatus(terminating: boolean): Promise<unknown>;
  markRemoved(): void;
}

/** Stops every container within the grace period, writes the last status, removes what the pod had, then deletes the Pod object. */
export async function terminatePod(w: TerminatingPod): Promise<void> {
  const { host, uid } = w;
  const driver = host.driver;
  const name = formatPod(w.pod);
  w.stopTimers();
  const grace = w.pod.metadata.deletionGracePeriodSeconds ?? w.pod.spec.terminationGracePeriodSeconds ?? 30;
  w.stoppingGrace = Math.min(grace, w.stoppingGrace ?? grace);
  const running = [...w.records.values()].filter((r) => r.id && (r.status?.state === 'running' || r.status?.state === 'created'));
  await Promise.all(
    running.map(async (r) => {
      await w.event('Normal', 'Killing', `Stopping container ${r.name}`);
      await stopWithHooks(w, w.specOf(r), r.id!, Math.min(grace, w.stoppingGrace ?? grace));
    }),
  );
  await w.refresh();
  // The teardown goes on whatever happens to this write: the Pod object is deleted below anyway.
  if (!w.isGone) await logFailure(`writing the terminating status of pod ${name}`, w.writeStatus(true));
  for (const r of w.records.values()) {
    for (const id of [r.id, r.lastId]) if (id) await logFailure(`removing container ${r.name} of pod ${name}`, driver.removeContainer(id));
  }
  await logFailure(`stopping the sandbox of pod ${name}`, driver.stopSandbox(uid));
  await logFailure(`removing the sandbox of pod ${name}`, driver.removeSandbox(uid));
  if (host.volumes) await logFailure(`removing the volumes of pod ${name}`, host.volumes.cleanup(uid));
  w.markRemoved();
  if (!w.isGone) {
    try {
      await host.api.delete('Pod', w.pod.metadata.namespace ?? 'default', w.pod.metadata.name ?? '', {
        gracePeriodSeconds: 0,
        preconditions: { uid },
      });
    } catch (e) {
      if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
    }
  }
  host.restartBackoff.resetPrefix(`${uid}/`);
  host.pullBackoff.resetPrefix(`${uid}/`);
  host.onRemoved(uid);
}

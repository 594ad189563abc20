// The probes of one pod's running containers: a ContainerProber per container
// (made when the container is first seen running, bound to its id), whose
// readiness joins the container's ready flag, whose failures are Unhealthy
// Events, and whose liveness/startup verdict kills the container (Killing,
// preStop within the probe's grace) for the next sync to restart it.
import type { Container } from '../api/types/pod.js';
import type { ContainerRecord } from './pod-status.js';
import { ContainerProber, REASON_KILLING, REASON_UNHEALTHY, restartMessage, runProbe, unhealthyMessage } from './probes/index.js';
import { stopWithHooks } from './termination.js';
import type { PodContext } from './worker-host.js';

export class ProbeRunner {
  /** Live probers by record key, each bound to one container id (made with the first: most pods have no probes). */
  private probers?: Map<string, { id: string; prober: ContainerProber }>;
  /** Containers adopted from a previous kubelet run: their probers resume instead of starting over (made on first adoption). */
  private adopted?: Set<string>;

  constructor(private readonly ctx: PodContext) {}

  /** A container of a previous kubelet run was adopted: its prober resumes its readiness. */
  markAdopted(id: string): void {
    (this.adopted ??= new Set()).add(id);
  }

  /** The prober of a running container (made when the container is first seen running); undefined: it has no probes. */
  proberFor(key: string, r: ContainerRecord): ContainerProber | undefined {
    const cur = this.probers?.get(key);
    if (cur && cur.id === r.id) return cur.prober;
    this.drop(key);
    const { ctx } = this;
    const host = ctx.host;
    const c = ctx.specOf(r);
    if (!c || host.probes === false || (!c.livenessProbe && !c.readinessProbe && !c.startupProbe)) return undefined;
    if (r.init && !r.sidecar) return undefined; // probes are for app containers and sidecars only
    const id = r.id!;
    // A container re-adopted after a kubelet restart that was ready keeps its readiness (no flap).
    const prev = [...(ctx.pod.status?.containerStatuses ?? []), ...(ctx.pod.status?.initContainerStatuses ?? [])].find((s) => s.name === r.name);
    const resume = this.adopted?.has(id) === true && prev?.containerID?.endsWith(id) === true && prev.ready === true;
    const prober = new ContainerProber({
      clock: host.clock,
      container: c,
      resume,
      prober: (probe, _kind, timeoutMs) =>
        // A simulated pod has no network: its httpGet/tcpSocket/grpc probes pass (the sim's own readiness
        // annotations decide); exec probes go to the simulated shell.
        host.driver.name === 'simulated' && !probe.exec
          ? Promise.resolve({ result: 'success' as const, output: '' })
          : runProbe(probe, {
              podIP: ctx.podIP() ?? '',
              exec: (cmd, t) => host.driver.exec(id, cmd, undefined, t),
              timeoutMs,
              container: c,
            }),
      onReady: () => ctx.requestSync(),
      onAttempt: (kind, res) => {
        if (res.result === 'failure' && this.probers?.get(key)?.id === id) void ctx.event('Warning', REASON_UNHEALTHY, unhealthyMessage(kind, res.output));
      },
      onRestart: (kind) => {
        if (this.probers?.get(key)?.id !== id) return;
        host.track(this.killForProbe(key, r, c, id, kind));
      },
    });
    (this.probers ??= new Map()).set(key, { id, prober });
    prober.start();
    return prober;
  }

  drop(key: string): void {
    const cur = this.probers?.get(key);
    if (!cur) return;
    cur.prober.stop();
    this.probers!.delete(key);
  }

  stopAll(): void {
    for (const p of this.probers?.values() ?? []) p.prober.stop();
    this.probers?.clear();
  }

  /** A liveness/startup verdict: kill the container (preStop first, within its grace); the next sync restarts it per restartPolicy. */
  private async killForProbe(key: string, r: ContainerRecord, c: Container, id: string, kind: 'liveness' | 'startup'): Promise<void> {
    const { ctx } = this;
    this.drop(key);
    await ctx.event('Normal', REASON_KILLING, restartMessage(c.name, kind));
    const probe = kind === 'liveness' ? c.livenessProbe : c.startupProbe;
    const grace = probe?.terminationGracePeriodSeconds ?? ctx.pod.spec.terminationGracePeriodSeconds ?? 30;
    await stopWithHooks(ctx, c, id, grace);
    if (r.id === id) ctx.requestSync();
  }
}

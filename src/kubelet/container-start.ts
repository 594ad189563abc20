// Starting a pod's containers in its sandbox: image (ImagePuller), runtime
// config (env resolved through the Api — CreateContainerConfigError while a
// ConfigMap/Secret key is missing — volume mounts, the pod's resolv.conf),
// create and start with the kubelet's Events; restarts of exited containers
// with the per-container back-off (CrashLoopBackOff), keeping exactly one dead
// attempt for `logs --previous`; and replacing a container whose image changed.
import type { Container } from '../api/types/pod.js';
import { goDuration } from './backoff.js';
import { resolveEnv } from './container-env.js';
import type { ImagePuller } from './image-pull.js';
import { resolvConfMount } from './pod-config.js';
import type { ContainerRecord } from './pod-status.js';
import type { ProbeRunner } from './probe-runner.js';
import { quantityValue } from './quantities.js';
import type { ContainerConfig, Mount } from './runtime/types.js';
import { stopWithHooks } from './termination.js';
import { VolumeError } from './volumes/index.js';
import { formatPod, logFailure, type PodContext } from './worker-host.js';

export class ContainerStarter {
  /** When this kubelet first saw a container exited (its clock): the back-off window starts there or at finishedAt, whichever is earlier (made on the first exit). */
  private exitSeen?: Map<string, number>;
  /** The pod's resolv.conf bind mount, once written (mount undefined: the runtime's own file stays). */
  private resolv?: { mount?: Mount };

  constructor(
    private readonly ctx: PodContext,
    private readonly images: ImagePuller,
    private readonly probes: ProbeRunner,
  ) {}

  /** The runtime reported this container exited: the back-off window may start now. */
  sawExit(id: string): void {
    const seen = (this.exitSeen ??= new Map());
    if (!seen.has(id)) seen.set(id, this.ctx.host.clock.now());
  }

  /** Image, config, create, start — each failure leaves r.waiting with the kubelet's reason and an Event. */
  async start(r: ContainerRecord, c: Container): Promise<boolean> {
    const { ctx } = this;
    const host = ctx.host;
    if (!(await this.images.ensure(r, c))) return false;
    let cfg: ContainerConfig;
    try {
      cfg = await this.containerConfig(r, c);
    } catch (e) {
      // Missing ConfigMap/Secret keys, bad subPath…: retried on the next sync (a source change wakes it at once).
      const msg = (e as Error).message;
      r.waiting = { reason: e instanceof VolumeError ? 'CreateContainerError' : 'CreateContainerConfigError', message: msg };
      await ctx.event('Warning', 'Failed', `Error: ${msg}`);
      ctx.wakeAt(host.clock.now() + 10_000);
      return false;
    }
    let id: string;
    try {
      id = await host.driver.createContainer(ctx.sandbox!, cfg);
    } catch (e) {
      r.waiting = { reason: 'CreateContainerError', message: (e as Error).message };
      await ctx.event('Warning', 'Failed', `Error: ${(e as Error).message}`);
      ctx.wakeAt(host.clock.now() + 10_000);
      return false;
    }
    r.id = id;
    r.status = undefined;
    r.waiting = undefined;
    await ctx.event('Normal', 'Created', `Created container: ${c.name}`);
    try {
      await host.driver.startContainer(id);
    } catch (e) {
      r.waiting = { reason: 'RunContainerError', message: (e as Error).message };
      await ctx.event('Warning', 'Failed', `Error: ${(e as Error).message}`);
      return false;
    }
    await ctx.event('Normal', 'Started', `Started container ${c.name}`);
    r.status = await host.driver.containerStatus(id);
    return true;
  }

  /** A container created but never started (kubeterm stopped in between): start it now, as the kubelet restarts a container found in the created state. */
  async startCreated(r: ContainerRecord, c: Container): Promise<void> {
    const { ctx } = this;
    try {
      await ctx.host.driver.startContainer(r.id!);
    } catch (e) {
      r.waiting = { reason: 'RunContainerError', message: (e as Error).message };
      await ctx.event('Warning', 'Failed', `Error: ${(e as Error).message}`);
      return;
    }
    await ctx.event('Normal', 'Started', `Started container ${c.name}`);
    r.status = await ctx.host.driver.containerStatus(r.id!);
  }

  async restartWithBackoff(r: ContainerRecord, c: Container): Promise<void> {
    const { ctx } = this;
    const key = `${ctx.uid}/${c.name}`;
    const now = ctx.host.clock.now();
    const seen = (r.id && this.exitSeen?.get(r.id)) || now;
    const finishedAt = Math.min(Date.parse(r.status?.finishedAt ?? '') || now, seen);
    const bo = ctx.host.restartBackoff;
    if (bo.inBackOffSince(key, finishedAt)) {
      const msg = `back-off ${goDuration(bo.get(key))} restarting failed container=${c.name} pod=${formatPod(ctx.pod)}`;
      if (r.waiting?.message !== msg) {
        r.waiting = { reason: 'CrashLoopBackOff', message: msg };
        await ctx.event('Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${formatPod(ctx.pod)}`);
      }
      ctx.wakeAt(bo.until(key, finishedAt));
      return;
    }
    bo.next(key, finishedAt);
    // Keep exactly one dead attempt (for `logs --previous`); older ones go.
    if (r.lastId) {
      await this.removeDead(r.lastId, c.name);
      this.exitSeen?.delete(r.lastId);
    }
    await this.nextAttempt(r, c, r.status);
  }

  /** The container's image changed (the one mutable part of a pod spec): kill it and start the new one. */
  async replace(r: ContainerRecord, c: Container): Promise<void> {
    const { ctx } = this;
    await ctx.event('Normal', 'Killing', `Container ${c.name} definition changed, will be restarted`);
    const grace = ctx.pod.spec.terminationGracePeriodSeconds ?? 30;
    this.probes.drop(`${r.init ? 'init' : 'app'}/${r.name}`);
    if (r.status?.state === 'running' || r.status?.state === 'created') await stopWithHooks(ctx, ctx.specOf(r), r.id!, grace);
    if (r.lastId) await this.removeDead(r.lastId, c.name);
    await this.nextAttempt(r, c, (await ctx.host.driver.containerStatus(r.id!)) ?? r.status);
  }

  /** The current attempt becomes the last one (its status `last`), and a fresh attempt starts. */
  private async nextAttempt(r: ContainerRecord, c: Container, last: ContainerRecord['last']): Promise<void> {
    r.lastId = r.id;
    r.last = last;
    r.id = undefined;
    r.status = undefined;
    r.waiting = undefined;
    r.attempt++;
    await this.start(r, c);
  }

  /** An older dead attempt goes; if the runtime refuses, it only takes space (the user hears of it in the log). */
  private removeDead(id: string, name: string): Promise<void> {
    return logFailure(`removing an old attempt of container ${name} of pod ${formatPod(this.ctx.pod)}`, this.ctx.host.driver.removeContainer(id));
  }

  /** The runtime config of a container: env resolved against the cluster, volume mounts, resolv.conf. Throws with the kubelet's message. */
  private async containerConfig(r: ContainerRecord, c: Container): Promise<ContainerConfig> {
    const { ctx } = this;
    const host = ctx.host;
    const lookups = ctx.lookups();
    const resolved = resolveEnv(ctx.pod, c, lookups);
    if ('error' in resolved) throw new Error(resolved.error);
    const env = resolved.env;
    const mounts = [];
    const vm = host.volumes;
    if (vm) {
      mounts.push(...(await vm.mounts(ctx.pod, c, { lookups, env })));
      // Written once per pod (every container of the pod shares it).
      this.resolv ??= { mount: await resolvConfMount(vm.podDir(ctx.uid), ctx.pod, host.dnsConfig?.(ctx.pod.metadata.namespace ?? 'default')) };
      const resolv = this.resolv.mount;
      if (resolv && !mounts.some((m) => m.containerPath === '/etc/resolv.conf')) mounts.push(resolv);
    }
    const cpu = quantityValue(c.resources?.limits?.cpu);
    const mem = quantityValue(c.resources?.limits?.memory);
    return {
      podUid: ctx.uid,
      podName: ctx.pod.metadata.name ?? '',
      podNamespace: ctx.pod.metadata.namespace ?? 'default',
      name: c.name,
      attempt: r.attempt,
      image: c.image ?? '',
      command: c.command,
      args: c.args,
      workingDir: c.workingDir,
      env,
      mounts,
      ...(cpu !== undefined ? { cpuLimit: cpu } : {}),
      ...(mem !== undefined ? { memoryLimit: mem } : {}),
      runAsUser: c.securityContext?.runAsUser ?? ctx.pod.spec.securityContext?.runAsUser,
      tty: c.tty,
      stdin: c.stdin,
      spec: c as unknown as Record<string, unknown>,
    };
  }
}

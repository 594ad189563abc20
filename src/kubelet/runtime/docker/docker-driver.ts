// Over 400 lines on purpose: one RuntimeDriver, every method of it mapped onto Docker in one place.
// The Docker runtime driver: pods as real containers through dockerode.
//
// Shape of a pod on Docker (the dockershim/cri-dockerd layout):
//  - a user-defined bridge network (default `kubeterm`) that every pod joins;
//  - a small holder ("pause") container per pod, the sandbox: busybox running
//    a shell that sleeps until SIGTERM, with hostname = pod name. Its address
//    on the network is the pod IP;
//  - the app containers join the sandbox's network and IPC namespaces
//    (NetworkMode `container:<sandbox>`), so they share localhost and ports.
// Everything carries the io.kubeterm.* labels of ../types.ts, so a restarted
// kubelet finds what its instance owns (listSandboxes/listContainers) instead
// of starting duplicates.
//
// Failures come back as Errors that name Docker and carry the engine's own
// message; an engine that went away reads "Cannot connect to the Docker daemon".
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import Dockerode from 'dockerode';
import {
  type ContainerConfig,
  type ContainerEvent,
  type ContainerLogOptions,
  type ContainerState,
  type ContainerStats,
  type ContainerStatus,
  type ExecResult,
  type ExecStreams,
  type ImagePullProgress,
  type LogChunk,
  type NodeResources,
  type PodSandboxConfig,
  type RuntimeDriver,
  type SandboxInfo,
  ImagePullError,
  LABEL_ATTEMPT,
  LABEL_CONTAINER_NAME,
  LABEL_INSTANCE,
  LABEL_POD_NAME,
  LABEL_POD_NAMESPACE,
  LABEL_POD_UID,
  LABEL_SANDBOX,
} from '../types.js';
import { dockerError, dockerMessage, isNotFound, statusCode } from './errors.js';
import { FrameDecoder, LineSplitter, splitTimestamp, type StreamName } from './frames.js';
import { statsFromDocker, type DockerStatsReply } from './stats.js';

export const DEFAULT_NETWORK = 'kubeterm';
export const DEFAULT_SANDBOX_IMAGE = 'kubeterm/busybox:latest';
/** Label on the network kubeterm created, so it is recognisable in `docker network ls`. */
export const LABEL_NETWORK = 'io.kubeterm.network';

/**
 * The holder process: exits at once on SIGTERM. `sleep & wait` matters — a
 * shell runs its trap only after the foreground command returns, so a plain
 * `sleep 3600` would hold `docker stop` for the whole grace period.
 */
export const SANDBOX_SCRIPT = 'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done';

/** Log rotation per container, as the kubelet's containerLogMaxSize / containerLogMaxFiles defaults. */
export const CONTAINER_LOG_MAX_SIZE = '10m'; // Docker reads this as 10 MiB
export const CONTAINER_LOG_MAX_FILES = 5;

/** Cap on what exec keeps in memory per stream (probes and `kubectl exec` output). */
const EXEC_CAPTURE_LIMIT = 1 << 20;

export interface DockerDriverConfig {
  /** Stable id of this kubeterm instance; sandboxes and containers are labelled with it. */
  instance: string;
  docker?: Dockerode;
  /** User-defined bridge network pods join. Default `kubeterm`. */
  network?: string;
  /** Image of the holder container. Default kubeterm/busybox:latest, else the pod's first image. */
  sandboxImage?: string;
}

type InspectInfo = Dockerode.ContainerInspectInfo;

export class DockerDriver implements RuntimeDriver {
  readonly name = 'docker' as const;
  readonly instance: string;
  readonly network: string;
  readonly docker: Dockerode;
  private readonly sandboxImage: string;
  private networkReady?: Promise<void>;
  private readonly listeners = new Set<(ev: ContainerEvent) => void>();
  private events?: NodeJS.ReadableStream;
  private sandboxImagePresent = false;
  /**
   * The inspected status of containers last listed as running, so the 1 s relist lists once instead of also
   * inspecting every running container each second (N inspects/s competing with pod starts on dockerd).
   * Nothing of a running container's status changes while it keeps running; an entry goes when the listing
   * shows another state, the container leaves the listing, an event says it started or died, or it is removed.
   */
  private readonly runningStatus = new Map<string, ContainerStatus>();
  private eventsActive = false;
  private closed = false;

  constructor(config: DockerDriverConfig) {
    if (!config?.instance) throw new Error('DockerDriver: instance is required');
    this.instance = config.instance;
    this.docker = config.docker ?? new Dockerode();
    this.network = config.network ?? DEFAULT_NETWORK;
    this.sandboxImage = config.sandboxImage ?? DEFAULT_SANDBOX_IMAGE;
  }

  // ---- engine ---------------------------------------------------------------

  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (e) {
      throw this.fail('ping', e);
    }
  }

  async nodeResources(): Promise<NodeResources> {
    let info: any;
    try {
      info = await this.docker.info();
    } catch (e) {
      throw this.fail('info', e);
    }
    return {
      cpu: Number(info.NCPU) || 1,
      memory: Number(info.MemTotal) || 0,
      os: info.OSType || 'linux',
      arch: goArch(String(info.Architecture ?? '')),
      osImage: info.OperatingSystem,
      runtimeVersion: `docker://${info.ServerVersion}`,
      kernelVersion: info.KernelVersion,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.runningStatus.clear();
    this.listeners.clear();
    this.stopEvents();
  }

  // ---- images ---------------------------------------------------------------

  async imagePresent(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw this.fail(`inspect image ${image}`, e);
    }
  }

  async pullImage(image: string, onProgress?: (p: ImagePullProgress) => void): Promise<void> {
    let stream: NodeJS.ReadableStream;
    try {
      stream = (await this.docker.pull(image)) as NodeJS.ReadableStream;
    } catch (e) {
      if (statusCode(e) === undefined) throw this.fail(`pull ${image}`, e);
      throw new ImagePullError(image, dockerMessage(e), { cause: e });
    }
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (err: Error | null, output: any[]) => {
          // An error mid-pull arrives as an `{error, errorDetail}` line of the progress stream.
          const failed = output?.find((o) => o && (o.error || o.errorDetail));
          if (err || failed) {
            const msg = failed?.errorDetail?.message ?? failed?.error ?? (err ? dockerMessage(err) : 'pull failed');
            reject(new ImagePullError(image, msg, { cause: err ?? undefined }));
          } else resolve();
        },
        (ev: any) => {
          if (!onProgress || !ev?.status) return;
          onProgress({ image, status: ev.id ? `${ev.id}: ${ev.status}` : ev.status, current: ev.progressDetail?.current, total: ev.progressDetail?.total });
        },
      );
    });
  }

  // ---- sandboxes ------------------------------------------------------------

  /** Creates the pod network if missing; concurrent callers (and other kubelets) may race, so a conflict is fine. */
  ensureNetwork(): Promise<void> {
    this.networkReady ??= (async () => {
      const find = async () => (await this.docker.listNetworks({ filters: { name: [this.network] } })).find((n) => n.Name === this.network);
      try {
        if (await find()) return;
        try {
          await this.docker.createNetwork({ Name: this.network, Driver: 'bridge', CheckDuplicate: true, Labels: { [LABEL_NETWORK]: 'true' } });
        } catch (e) {
          if (statusCode(e) !== 409 || !(await find())) throw e;
        }
      } catch (e) {
        this.networkReady = undefined;
        throw this.fail(`create network ${this.network}`, e);
      }
    })();
    return this.networkReady;
  }

  /** The pod network's subnets (e.g. 172.19.0.0/16): the only non-local addresses the service proxy may dial. */
  async networkSubnets(): Promise<string[]> {
    await this.ensureNetwork();
    const info = (await this.docker.getNetwork(this.network).inspect()) as { IPAM?: { Config?: { Subnet?: string }[] } };
    return (info.IPAM?.Config ?? []).map((c) => c.Subnet ?? '').filter((s) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(s));
  }

  // No warm pool of pre-created holders: Docker fixes a container's labels and hostname at create, the app
  // containers take their hostname from the holder, and both are per pod (the pod-uid label is how a restarted
  // kubelet finds its sandboxes; the hostname is the pod's name). So the holder's start (network attach) stays
  // on the pod's path: about one `docker run` of the pod's ~1.5.
  async runSandbox(cfg: PodSandboxConfig): Promise<SandboxInfo> {
    const pod = cfg.pod;
    const uid = pod.metadata.uid ?? '';
    if (!uid) throw new Error('DockerDriver.runSandbox: the pod has no metadata.uid');
    const name = pod.metadata.name ?? 'pod';
    const namespace = pod.metadata.namespace ?? 'default';
    await this.ensureNetwork();

    // A running sandbox of this pod is reused (a restarted kubelet, or a repeated sync).
    // The listing already says whether it runs and its address: no inspect per candidate.
    for (const c of await this.listByLabels([`${LABEL_POD_UID}=${uid}`, `${LABEL_SANDBOX}=true`])) {
      const ip = (c.NetworkSettings?.Networks?.[this.network] as { IPAddress?: string } | undefined)?.IPAddress;
      // `paused` too: inspect calls a paused container running, and so did this check when it inspected.
      if (c.State === 'running' || c.State === 'paused') return { id: c.Id, podUid: uid, ip: ip ?? '' };
      await this.removeQuietly(c.Id);
    }

    const image = await this.pickSandboxImage(pod);
    const spec = (pod.spec ?? {}) as { hostname?: string };
    const create = () =>
      this.docker.createContainer({
        name: containerName(['POD', name, namespace, uid, '0']),
        Image: image,
        Hostname: (spec.hostname || name).slice(0, 63),
        Entrypoint: ['sh', '-c', SANDBOX_SCRIPT],
        Cmd: [],
        Labels: {
          [LABEL_POD_UID]: uid,
          [LABEL_POD_NAME]: name,
          [LABEL_POD_NAMESPACE]: namespace,
          [LABEL_CONTAINER_NAME]: 'POD',
          [LABEL_ATTEMPT]: '0',
          [LABEL_INSTANCE]: cfg.instance,
          [LABEL_SANDBOX]: 'true',
        },
        HostConfig: { NetworkMode: this.network, IpcMode: 'shareable', RestartPolicy: { Name: 'no' } },
      });
    const createAndStart = async (): Promise<Dockerode.Container> => {
      let c: Dockerode.Container;
      try {
        c = await create();
      } catch (e) {
        if (isNotFound(e) && /image/i.test(dockerMessage(e))) this.sandboxImagePresent = false;
        throw Object.assign(this.fail(`create sandbox for pod ${namespace}/${name}`, e), { networkGone: isNetworkGone(e) });
      }
      try {
        await c.start();
        return c;
      } catch (e) {
        await this.removeQuietly(c.id);
        throw Object.assign(this.fail(`start sandbox for pod ${namespace}/${name}`, e), { networkGone: isNetworkGone(e) });
      }
    };
    let container: Dockerode.Container;
    try {
      container = await createAndStart();
    } catch (e) {
      // Someone removed the network under us (Docker notices at create or at start): make it again, once.
      if (!(e as { networkGone?: boolean }).networkGone) throw e;
      this.networkReady = undefined;
      await this.ensureNetwork();
      container = await createAndStart();
    }
    const info = await this.inspect(container.id);
    if (!info) throw new Error(`docker: sandbox ${container.id.slice(0, 12)} of pod ${namespace}/${name} vanished after start`);
    return { id: info.Id, podUid: uid, ip: this.ipOf(info) };
  }

  async stopSandbox(podUid: string): Promise<void> {
    const all = await this.listByLabels([`${LABEL_POD_UID}=${podUid}`]);
    // App containers first (the kubelet has already given them their grace), then the holder.
    const apps = all.filter((c) => c.Labels?.[LABEL_SANDBOX] !== 'true' && c.State === 'running');
    await Promise.all(apps.map((c) => this.stopContainer(c.Id, 0)));
    const sandboxes = all.filter((c) => c.Labels?.[LABEL_SANDBOX] === 'true' && c.State === 'running');
    await Promise.all(sandboxes.map((c) => this.stopContainer(c.Id, 2)));
  }

  async removeSandbox(podUid: string): Promise<void> {
    const all = await this.listByLabels([`${LABEL_POD_UID}=${podUid}`]);
    const isSandbox = (c: Dockerode.ContainerInfo) => c.Labels?.[LABEL_SANDBOX] === 'true';
    await Promise.all(all.filter((c) => !isSandbox(c)).map((c) => this.removeContainer(c.Id)));
    await Promise.all(all.filter(isSandbox).map((c) => this.removeContainer(c.Id)));
  }

  // ---- containers -----------------------------------------------------------

  async createContainer(sandbox: SandboxInfo, cfg: ContainerConfig): Promise<string> {
    const binds = cfg.mounts.map((m) => `${m.hostPath}:${m.containerPath}${m.readOnly ? ':ro' : ''}`);
    const hostConfig: Dockerode.HostConfig = {
      NetworkMode: `container:${sandbox.id}`,
      IpcMode: `container:${sandbox.id}`,
      RestartPolicy: { Name: 'no' },
      Binds: binds,
      // The kubelet's own log rotation (containerLogMaxSize 10Mi, containerLogMaxFiles 5): a container that
      // floods its output keeps at most 50 MiB of logs instead of filling the disk under Docker's data root.
      LogConfig: { Type: 'json-file', Config: { 'max-size': CONTAINER_LOG_MAX_SIZE, 'max-file': String(CONTAINER_LOG_MAX_FILES) } },
    };
    if (cfg.cpuLimit !== undefined && cfg.cpuLimit > 0) hostConfig.NanoCpus = Math.round(cfg.cpuLimit * 1e9);
    if (cfg.memoryLimit !== undefined && cfg.memoryLimit > 0) {
      // Docker refuses limits under 6 MiB; swap equal to memory means "no swap", as on a kubelet node.
      const mem = Math.max(Math.round(cfg.memoryLimit), 6 * 2 ** 20);
      hostConfig.Memory = mem;
      hostConfig.MemorySwap = mem;
    }
    const opts: Dockerode.ContainerCreateOptions = {
      name: containerName([cfg.name, cfg.podName, cfg.podNamespace, cfg.podUid, String(cfg.attempt)]),
      Image: cfg.image,
      Env: cfg.env.map((e) => `${e.name}=${e.value}`),
      Labels: {
        [LABEL_POD_UID]: cfg.podUid,
        [LABEL_POD_NAME]: cfg.podName,
        [LABEL_POD_NAMESPACE]: cfg.podNamespace,
        [LABEL_CONTAINER_NAME]: cfg.name,
        [LABEL_ATTEMPT]: String(cfg.attempt),
        [LABEL_INSTANCE]: this.instance,
        [LABEL_SANDBOX]: 'false',
      },
      Tty: !!cfg.tty,
      OpenStdin: !!cfg.stdin,
      HostConfig: hostConfig,
    };
    // Kubernetes command/args map onto Docker entrypoint/cmd; Docker drops the
    // image CMD when the entrypoint is overridden, exactly as Kubernetes does.
    if (cfg.command && cfg.command.length > 0) opts.Entrypoint = cfg.command;
    if (cfg.args && cfg.args.length > 0) opts.Cmd = cfg.args;
    else if (cfg.command && cfg.command.length > 0) opts.Cmd = [];
    if (cfg.workingDir) opts.WorkingDir = cfg.workingDir;
    if (cfg.runAsUser !== undefined) opts.User = String(cfg.runAsUser);
    try {
      const c = await this.docker.createContainer(opts);
      return c.id;
    } catch (e) {
      throw this.fail(`create container ${cfg.name} of pod ${cfg.podNamespace}/${cfg.podName}`, e);
    }
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start();
    } catch (e) {
      if (statusCode(e) === 304) return; // already started
      throw this.fail(`start container ${short(id)}`, e);
    }
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    this.runningStatus.delete(id);
    try {
      // docker stop: SIGTERM (or the image's StopSignal), SIGKILL after t seconds.
      await this.docker.getContainer(id).stop({ t: Math.max(0, Math.floor(graceSeconds)) });
    } catch (e) {
      if (statusCode(e) === 304 || isNotFound(e)) return; // already stopped, or gone
      throw this.fail(`stop container ${short(id)}`, e);
    }
  }

  async removeContainer(id: string): Promise<void> {
    this.runningStatus.delete(id);
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (e) {
      if (isNotFound(e)) return;
      // 409: removal already in progress.
      if (statusCode(e) === 409 && /already in progress/i.test(dockerMessage(e))) return;
      throw this.fail(`remove container ${short(id)}`, e);
    }
  }

  async listSandboxes(instance: string): Promise<SandboxInfo[]> {
    const list = await this.listByLabels([`${LABEL_INSTANCE}=${instance}`, `${LABEL_SANDBOX}=true`]);
    return list.map((c) => ({
      id: c.Id,
      podUid: c.Labels?.[LABEL_POD_UID] ?? '',
      ip: (c.NetworkSettings?.Networks?.[this.network] as { IPAddress?: string } | undefined)?.IPAddress ?? '',
      // Only a dead holder is marked (absent means running, as for drivers that cannot tell).
      ...(c.State === 'running' ? {} : { running: false }),
    }));
  }

  async sandboxRunning(id: string): Promise<boolean> {
    const info = await this.inspect(id);
    return !!info?.State.Running;
  }

  async listContainers(instance: string): Promise<ContainerStatus[]> {
    const list = await this.listByLabels([`${LABEL_INSTANCE}=${instance}`, `${LABEL_SANDBOX}=false`]);
    if (instance === this.instance) {
      const listed = new Set(list.map((c) => c.Id));
      for (const id of this.runningStatus.keys()) if (!listed.has(id)) this.runningStatus.delete(id);
    }
    const out = await Promise.all(
      list.map((c) => {
        const known = c.State === 'running' ? this.runningStatus.get(c.Id) : undefined;
        return known ? { ...known } : this.containerStatus(c.Id);
      }),
    );
    return out.filter((s): s is ContainerStatus => s !== undefined);
  }

  async containerStatus(id: string): Promise<ContainerStatus | undefined> {
    const info = await this.inspect(id);
    if (!info) {
      this.runningStatus.delete(id);
      return undefined;
    }
    const status = statusFromInspect(info);
    // Only this instance's containers, and only while running (what a relist may reuse).
    if (status.state === 'running' && info.Config?.Labels?.[LABEL_INSTANCE] === this.instance) this.runningStatus.set(info.Id, status);
    else this.runningStatus.delete(info.Id);
    return status;
  }

  // ---- logs, exec, stats ----------------------------------------------------

  async logs(id: string, opts: ContainerLogOptions, onChunk: (c: LogChunk) => void, signal?: AbortSignal): Promise<void> {
    const info = await this.inspect(id);
    if (!info) throw new Error(`docker logs: no such container: ${id}`);
    const tty = !!info.Config?.Tty;
    const base = {
      stdout: true,
      stderr: true,
      timestamps: true, // always: the chunk carries the time, the caller decides whether to show it
      ...(opts.tailLines !== undefined ? { tail: Math.max(0, opts.tailLines) } : {}),
      ...(opts.sinceSeconds !== undefined ? { since: Math.floor(Date.now() / 1000 - opts.sinceSeconds) } : {}),
    };
    const splitters: Record<StreamName, LineSplitter> = {
      stdout: new LineSplitter((l) => emit('stdout', l)),
      stderr: new LineSplitter((l) => emit('stderr', l)),
    };
    const emit = (stream: StreamName, raw: string) => {
      const { time, line } = splitTimestamp(raw);
      onChunk(time ? { stream, time, line } : { stream, line });
    };
    const decoder = new FrameDecoder((s, payload) => splitters[s].push(payload));
    const feed = (chunk: Buffer) => (tty ? splitters.stdout.push(chunk) : decoder.push(chunk));
    const flush = () => {
      splitters.stdout.flush();
      splitters.stderr.flush();
    };
    const c = this.docker.getContainer(id);
    try {
      if (!opts.follow) {
        const buf = await c.logs({ ...base, follow: false });
        feed(Buffer.isBuffer(buf) ? buf : Buffer.from(String(buf)));
        flush();
        return;
      }
      if (signal?.aborted) return;
      const stream = await c.logs({ ...base, follow: true });
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          (stream as unknown as { destroy?: () => void }).destroy?.();
          flush();
          resolve();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        stream.on('data', (d: Buffer) => feed(d));
        stream.on('end', () => {
          signal?.removeEventListener('abort', onAbort);
          flush();
          resolve();
        });
        stream.on('error', (e: Error) => {
          signal?.removeEventListener('abort', onAbort);
          if (signal?.aborted) resolve();
          else reject(this.fail(`logs ${short(id)}`, e));
        });
      });
    } catch (e) {
      if (e instanceof Error && /^(docker logs|Cannot connect)/.test(e.message)) throw e;
      throw this.fail(`logs ${short(id)}`, e);
    }
  }

  async exec(id: string, cmd: string[], streams?: ExecStreams, timeoutMs?: number): Promise<ExecResult> {
    const tty = !!streams?.tty;
    const withStdin = !!streams?.stdin;
    let stream: Duplex;
    let exec: Dockerode.Exec;
    try {
      exec = await this.docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, AttachStdin: withStdin, Tty: tty });
      stream = await exec.start({ hijack: true, stdin: withStdin, Tty: tty });
    } catch (e) {
      throw this.fail(`exec in ${short(id)}`, e);
    }
    if (tty) {
      // The TTY starts at the caller's terminal size and follows it (docker exec's resize); a failed resize only mis-sizes the screen.
      const resize = (s: { width: number; height: number }) => void exec.resize({ h: s.height, w: s.width }).catch(() => undefined);
      if (streams?.size) resize(streams.size);
      streams?.onResize?.(resize);
    }
    const captured = { stdout: '', stderr: '' };
    const take = (s: StreamName, payload: Buffer) => {
      if (captured[s].length < EXEC_CAPTURE_LIMIT) captured[s] += payload.toString('utf8');
      const out = s === 'stdout' ? streams?.stdout : streams?.stderr;
      out?.write(payload);
    };
    const decoder = new FrameDecoder(take);
    await new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (err?: Error) => {
        if (timer) clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      if (timeoutMs !== undefined && timeoutMs > 0) {
        timer = setTimeout(() => {
          stream.destroy();
          done(new Error(`command ${JSON.stringify(cmd.join(' '))} timed out after ${timeoutMs}ms`));
        }, timeoutMs);
        timer.unref?.();
      }
      stream.on('data', (d: Buffer) => (tty ? take('stdout', d) : decoder.push(d)));
      stream.on('end', () => done());
      stream.on('close', () => done());
      stream.on('error', (e: Error) => done(this.fail(`exec in ${short(id)}`, e)));
      if (withStdin) {
        streams!.stdin!.on('end', () => stream.end());
        streams!.stdin!.pipe(stream);
      }
    });
    let exitCode = -1;
    try {
      // The exit code can lag the end of the stream by a moment.
      for (let i = 0; i < 50; i++) {
        const r = await exec.inspect();
        if (!r.Running && r.ExitCode !== null && r.ExitCode !== undefined) {
          exitCode = r.ExitCode;
          break;
        }
        await new Promise((res) => setTimeout(res, 20));
      }
    } catch (e) {
      throw this.fail(`exec inspect in ${short(id)}`, e);
    }
    return { exitCode, stdout: captured.stdout, stderr: captured.stderr };
  }

  async stats(id: string): Promise<ContainerStats | undefined> {
    const info = await this.inspect(id);
    if (!info?.State.Running) return undefined;
    try {
      const s = (await this.docker.getContainer(id).stats({ stream: false })) as unknown as DockerStatsReply;
      return statsFromDocker(s);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw this.fail(`stats ${short(id)}`, e);
    }
  }

  // ---- container events -----------------------------------------------------

  // No `reliableEvents` here: the kubelet keeps relisting every second on
  // Docker. The stream is a socket to dockerd that can drop (engine restart,
  // socket hiccup) and is reattached only after 2 s; the replay from the last
  // seen time covers at most the engine's last 256 events, and none from
  // before a dockerd restart; it attaches asynchronously after subscription;
  // and it follows only start/die/oom, so a container removed or changed by
  // someone else (`docker rm` of a created one, `docker pause`) sends nothing.
  // The events only make the common case (an exit) faster.
  onContainerEvent(listener: (ev: ContainerEvent) => void): () => void {
    this.listeners.add(listener);
    if (!this.eventsActive && !this.closed) {
      this.eventsActive = true;
      // Replay from the moment of subscription, so nothing is lost while the stream attaches.
      void this.startEvents(Date.now());
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopEvents();
    };
  }

  /** Follows `docker events` for this instance's containers; reconnects (from the last seen time) while anyone listens. */
  private async startEvents(sinceMs: number): Promise<void> {
    let lastMs = sinceMs;
    const again = () => {
      if (this.eventsActive && !this.closed && this.listeners.size > 0) {
        const t = setTimeout(() => void this.startEvents(lastMs), 2000);
        t.unref?.();
      } else this.eventsActive = false;
    };
    try {
      const stream = await this.docker.getEvents({
        since: Math.floor(sinceMs) / 1000,
        filters: { type: ['container'], event: ['start', 'die', 'oom'], label: [`${LABEL_INSTANCE}=${this.instance}`] },
      });
      if (!this.eventsActive || this.closed) {
        (stream as unknown as { destroy?: () => void }).destroy?.();
        return;
      }
      this.events = stream;
      const lines = new LineSplitter((l) => {
        if (!l.trim()) return;
        try {
          const ev = JSON.parse(l) as { id?: string; Action?: string; status?: string; timeNano?: number; Actor?: { Attributes?: Record<string, string> } };
          if (ev.timeNano) lastMs = Math.max(lastMs, Math.floor(ev.timeNano / 1e6));
          // Sandboxes too: a holder that dies takes the pod's network with it, and the kubelet must make a new one.
          const attrs = ev.Actor?.Attributes ?? {};
          const action = ev.Action ?? ev.status;
          const state: ContainerState = action === 'start' ? 'running' : 'exited';
          // A start (a new StartedAt) or an exit: the next listing inspects it afresh.
          if (ev.id) this.runningStatus.delete(ev.id);
          for (const fn of [...this.listeners]) fn({ id: ev.id ?? '', podUid: attrs[LABEL_POD_UID] ?? '', state });
        } catch {
          // a malformed event line is skipped; the kubelet's relist catches up
        }
      });
      stream.on('data', (d: Buffer) => lines.push(d));
      let ended = false;
      const onEnd = () => {
        if (ended) return;
        ended = true;
        if (this.events === stream) this.events = undefined;
        again();
      };
      stream.on('end', onEnd);
      stream.on('error', onEnd);
      stream.on('close', onEnd);
    } catch {
      // No event stream right now (the engine is away): try again; meanwhile the kubelet relists.
      again();
    }
  }

  private stopEvents(): void {
    this.eventsActive = false;
    const s = this.events as unknown as { destroy?: () => void } | undefined;
    this.events = undefined;
    s?.destroy?.();
  }

  // ---- helpers --------------------------------------------------------------

  private fail(op: string, e: unknown): Error {
    const socket = (this.docker.modem as { socketPath?: unknown }).socketPath;
    return dockerError(op, e, typeof socket === 'string' ? socket : '/var/run/docker.sock');
  }

  private async listByLabels(labels: string[]): Promise<Dockerode.ContainerInfo[]> {
    try {
      return await this.docker.listContainers({ all: true, filters: { label: labels } });
    } catch (e) {
      throw this.fail('list containers', e);
    }
  }

  private async inspect(id: string): Promise<InspectInfo | undefined> {
    try {
      return await this.docker.getContainer(id).inspect();
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw this.fail(`inspect container ${short(id)}`, e);
    }
  }

  private async removeQuietly(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch {
      // best effort: a leftover is found and removed on the next pass
    }
  }

  private ipOf(info: InspectInfo): string {
    const nets = info.NetworkSettings?.Networks ?? {};
    return nets[this.network]?.IPAddress ?? '';
  }

  private async pickSandboxImage(pod: PodSandboxConfig['pod']): Promise<string> {
    if (this.sandboxImagePresent || (await this.imagePresent(this.sandboxImage))) {
      this.sandboxImagePresent = true; // images do not vanish under a running kubelet often; a create error says so if one did
      return this.sandboxImage;
    }
    const first = (pod.spec?.containers as { image?: string }[] | undefined)?.[0]?.image;
    if (first && (await this.imagePresent(first))) return first;
    throw new Error(`docker: no image for the pod sandbox: ${this.sandboxImage} is not present${first ? ` and neither is ${first}` : ''}`);
  }
}

/** A ContainerStatus from `docker inspect`. */
export function statusFromInspect(info: InspectInfo): ContainerStatus {
  const labels = info.Config?.Labels ?? {};
  const st = info.State;
  const state: ContainerState =
    st.Running || st.Paused || st.Restarting ? 'running' : st.Status === 'created' ? 'created' : st.Status === 'exited' || st.Status === 'dead' ? 'exited' : 'unknown';
  const out: ContainerStatus = {
    id: info.Id,
    podUid: labels[LABEL_POD_UID] ?? '',
    name: labels[LABEL_CONTAINER_NAME] ?? info.Name.replace(/^\//, ''),
    attempt: Number(labels[LABEL_ATTEMPT] ?? '0') || 0,
    image: info.Config?.Image ?? '',
    imageId: info.Image ? `docker://${info.Image}` : undefined,
    state,
  };
  if (isSetTime(st.StartedAt)) out.startedAt = st.StartedAt;
  if (state === 'created' && st.Error) {
    // The runtime could not start it (e.g. the command does not exist): as
    // Kubernetes reports it, terminated with reason StartError, exit code 128.
    return { ...out, state: 'exited', exitCode: 128, reason: 'StartError', message: st.Error, ...(isSetTime(st.FinishedAt) ? { finishedAt: st.FinishedAt } : {}) };
  }
  if (state === 'exited') {
    if (isSetTime(st.FinishedAt)) out.finishedAt = st.FinishedAt;
    out.exitCode = st.ExitCode;
    out.reason = st.OOMKilled ? 'OOMKilled' : st.ExitCode === 0 ? 'Completed' : 'Error';
    if (st.Error) out.message = st.Error;
  }
  return out;
}

function isNetworkGone(e: unknown): boolean {
  return isNotFound(e) && /network .* not found/i.test(dockerMessage(e));
}

/** Docker reports "never" as the zero time. */
function isSetTime(t: string | undefined): t is string {
  return !!t && !t.startsWith('0001-01-01');
}

function short(id: string): string {
  return /^[0-9a-f]{64}$/.test(id) ? id.slice(0, 12) : id;
}

/** dockershim-style `k8s_<container>_<pod>_<ns>_<uid>_<attempt>` plus a random tail so a leftover never blocks a create. */
function containerName(parts: string[]): string {
  const safe = parts.map((p) => p.replace(/[^a-zA-Z0-9_.-]/g, '-'));
  return `k8s_${safe.join('_')}_${randomBytes(3).toString('hex')}`;
}

/** Docker says x86_64/aarch64; Kubernetes (GOARCH) says amd64/arm64. */
function goArch(a: string): string {
  const m: Record<string, string> = { x86_64: 'amd64', aarch64: 'arm64', armv7l: 'arm', i686: '386', i386: '386', ppc64le: 'ppc64le', s390x: 's390x' };
  return m[a] ?? a;
}

// The container runtime driver interface (CRI-like). The kubelet's pod workers,
// status reporting and heartbeats are shared; only a driver differs:
// `docker/` (real containers via dockerode), `process/` (host child processes,
// no isolation), `sim/` (kwok-style simulation, no processes at all).
import type { KubeObject } from '../../api/meta.js';

/** Labels every runtime object carries so a restarted kubelet can adopt it. */
export const LABEL_POD_UID = 'io.kubeterm.pod.uid';
export const LABEL_POD_NAME = 'io.kubeterm.pod.name';
export const LABEL_POD_NAMESPACE = 'io.kubeterm.pod.namespace';
export const LABEL_CONTAINER_NAME = 'io.kubeterm.container.name';
export const LABEL_INSTANCE = 'io.kubeterm.instance';
export const LABEL_SANDBOX = 'io.kubeterm.sandbox';
/** Restart attempt number of a container, so `previous` logs and restartCount survive restarts. */
export const LABEL_ATTEMPT = 'io.kubeterm.container.attempt';

export interface PodSandboxConfig {
  pod: KubeObject; // the Pod object (frozen)
  /** Stable id of this kubeterm instance (state-file scoped). */
  instance: string;
}

export interface SandboxInfo {
  id: string;
  podUid: string;
  ip: string;
  /** false: the holder was not running when listed (absent: running, or the driver cannot tell). */
  running?: boolean;
}

export interface EnvVar {
  name: string;
  value: string;
}

export interface Mount {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
}

export interface ContainerConfig {
  podUid: string;
  podName: string;
  podNamespace: string;
  name: string; // container name in the pod spec
  attempt: number;
  image: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env: EnvVar[];
  mounts: Mount[];
  /** cores (e.g. 0.5) and bytes, from resources.limits */
  cpuLimit?: number;
  memoryLimit?: number;
  runAsUser?: number;
  tty?: boolean;
  stdin?: boolean;
  /** The spec container, for drivers that need more (sim annotations, ports). */
  spec: Record<string, unknown>;
}

export type ContainerState = 'created' | 'running' | 'exited' | 'unknown';

export interface ContainerStatus {
  id: string;
  podUid: string;
  name: string;
  attempt: number;
  image: string;
  imageId?: string;
  state: ContainerState;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  /** e.g. 'OOMKilled', 'Error', 'Completed' */
  reason?: string;
  message?: string;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecStreams {
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  tty?: boolean;
  /** TTY sessions: the terminal's size at start and its changes (drivers that can resize follow them). */
  size?: { width: number; height: number };
  onResize?(handler: (size: { width: number; height: number }) => void): void;
}

export interface LogChunk {
  stream: 'stdout' | 'stderr';
  /** RFC3339Nano when known */
  time?: string;
  line: string;
}

export interface ContainerLogOptions {
  follow?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  timestamps?: boolean;
}

export interface ContainerStats {
  /** cores in use (e.g. 0.25) */
  cpu: number;
  /** working-set bytes */
  memory: number;
}

export interface NodeResources {
  cpu: number; // cores
  memory: number; // bytes
  pods?: number;
  os?: string;
  arch?: string;
  /** e.g. `Debian GNU/Linux 12 (bookworm)` (node status nodeInfo.osImage). */
  osImage?: string;
  runtimeVersion?: string;
  kernelVersion?: string;
}

export interface ImagePullProgress {
  image: string;
  status: string;
  current?: number;
  total?: number;
}

export class ImagePullError extends Error {
  constructor(
    readonly image: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ImagePullError';
  }
}

export interface RuntimeDriver {
  readonly name: 'docker' | 'process' | 'simulated';
  /** Throws when the runtime cannot be reached (the node goes NotReady with the message). */
  ping(): Promise<void>;
  nodeResources(): Promise<NodeResources>;

  /** IfNotPresent/Always/Never semantics are decided by the kubelet; this pulls if asked. */
  imagePresent(image: string): Promise<boolean>;
  pullImage(image: string, onProgress?: (p: ImagePullProgress) => void): Promise<void>;

  runSandbox(cfg: PodSandboxConfig): Promise<SandboxInfo>;
  stopSandbox(podUid: string): Promise<void>;
  removeSandbox(podUid: string): Promise<void>;

  createContainer(sandbox: SandboxInfo, cfg: ContainerConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after graceSeconds. */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;

  /** Every sandbox/container this instance owns (for re-adoption after a restart). */
  listSandboxes(instance: string): Promise<SandboxInfo[]>;
  listContainers(instance: string): Promise<ContainerStatus[]>;
  containerStatus(id: string): Promise<ContainerStatus | undefined>;

  logs(id: string, opts: ContainerLogOptions, onChunk: (c: LogChunk) => void, signal?: AbortSignal): Promise<void>;
  exec(id: string, cmd: string[], streams?: ExecStreams, timeoutMs?: number): Promise<ExecResult>;
  stats(id: string): Promise<ContainerStats | undefined>;

  close(): Promise<void>;

  /**
   * Optional: the runtime's own word on readiness of a running container (the
   * simulated runtime's `sim.kubeterm.io/never-ready`). Absent, or true: the
   * kubelet decides from probes alone.
   */
  ready?(id: string): Promise<boolean>;
  /**
   * Optional: whether a pod's sandbox (by id) still runs. A sandbox that died
   * (Docker restarted, the holder was stopped, kubeterm was killed between its
   * create and start) cannot host containers: the kubelet kills the pod's
   * containers and makes a new one (SandboxChanged). Absent: sandboxes never die.
   */
  sandboxRunning?(id: string): Promise<boolean>;
  /**
   * Optional: tells the kubelet at once when a container changed state (exited,
   * started), so it need not wait for its periodic relist. Returns an unsubscribe.
   */
  onContainerEvent?(listener: (ev: ContainerEvent) => void): () => void;
  /**
   * Optional: true when onContainerEvent reports every state change the
   * runtime makes on its own (a container started or exited) and cannot lose
   * one. The kubelet then reacts to events and relists only as a slow safety
   * net, as Kubernetes' Evented PLEG (KEP-3386) does. Absent or false: the
   * events only speed things up and the kubelet relists every second.
   */
  readonly reliableEvents?: boolean;
}

export interface ContainerEvent {
  id: string;
  podUid: string;
  state: ContainerState;
}

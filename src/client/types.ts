// ClusterClient: the one interface the UI and the folder sync use to see and
// change a cluster. `embedded` implements it over the in-process engine; `kube`
// over any Kubernetes API server. Nothing here knows which one it talks to.
import type { PropagationPolicy } from '../api/api.js';
import type { KindInfo } from '../api/kinds.js';
import type { KubeObject } from '../api/meta.js';
import type { PatchType } from '../api/patch/index.js';
import type { WatchEvent } from '../api/store-types.js';

export type RuntimeName = 'docker' | 'process' | 'simulated' | 'remote';

export interface ClusterInfo {
  /** `kubeterm (embedded)` or the kubeconfig context name. */
  context: string;
  mode: 'embedded' | 'kube';
  runtime: RuntimeName;
  /** Why the runtime was chosen, e.g. "no Docker engine answered at /var/run/docker.sock". */
  runtimeReason?: string;
  serverVersion: string;
}

export interface ClientListOptions {
  namespace?: string; // '' or undefined: all namespaces
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ClientWatchOptions extends ClientListOptions {
  /** Start after this version; omitted: the client lists first and sends ADDED for each object. */
  resourceVersion?: string;
}

export interface Subscription {
  stop(): void;
}

export interface ApplyResult {
  object: KubeObject;
  action: 'created' | 'configured' | 'unchanged';
}

export interface LogOptions {
  container?: string;
  follow?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  timestamps?: boolean;
  previous?: boolean;
}

export interface LogLine {
  pod: string;
  container: string;
  /** RFC3339 timestamp of the line when known. */
  time?: string;
  text: string;
}

export interface PodMetrics {
  namespace: string;
  name: string;
  /** Cores and bytes, summed over containers. */
  cpu: number;
  memory: number;
  containers: { name: string; cpu: number; memory: number }[];
  timestamp: string;
}

export interface NodeMetrics {
  name: string;
  cpu: number;
  memory: number;
  timestamp: string;
}

/** `kubectl port-forward TYPE/NAME [LOCAL:]REMOTE`: what to forward and where to listen. */
export interface PortForwardRequest {
  namespace: string;
  /** A Service is resolved to one ready pod behind it, as kubectl does. */
  kind: 'Pod' | 'Service';
  name: string;
  /** The pod's port (number or container port name); for a Service, its port (number or name). */
  remotePort: number | string;
  /** 0 or undefined: any free port. */
  localPort?: number;
  /** Listen address; default 127.0.0.1 (never all interfaces unless asked). */
  address?: string;
  /** The container whose port this is, for display only. */
  container?: string;
}

/** How a forward ended: stopped by its owner, its pod went away, or it failed. */
export interface PortForwardEnd {
  reason: 'stopped' | 'pod gone' | 'error';
  message: string;
}

/** A running forward: a listener on address:localPort whose connections reach pod:remotePort. */
export interface PortForwardHandle {
  namespace: string;
  kind: 'Pod' | 'Service';
  /** What was asked for (the Service's name for a Service). */
  name: string;
  /** The pod connections reach. */
  pod: string;
  container?: string;
  /** The pod port connections reach (a Service port translated to its target). */
  remotePort: number;
  address: string;
  localPort: number;
  /** Connections open now. */
  readonly active: number;
  /** Resolves once, when the forward has ended and its listener is closed. */
  readonly done: Promise<PortForwardEnd>;
  stop(): Promise<void>;
}

/** `kubectl exec -it POD -c CONTAINER -- COMMAND`: what to run where. */
export interface ExecRequest {
  namespace: string;
  pod: string;
  /** Default: the pod's `kubectl.kubernetes.io/default-container`, else its first container. */
  container?: string;
  command: string[];
  /** Allocate a TTY in the container (and put the local terminal in raw mode while it runs). */
  tty: boolean;
}

/** The local end of an interactive exec: the user's terminal, handed over for the command's lifetime. */
export interface ExecTerminal {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  stdout: NodeJS.WritableStream & { columns?: number; rows?: number; on(event: 'resize', cb: () => void): unknown; off(event: 'resize', cb: () => void): unknown };
  stderr?: NodeJS.WritableStream;
}

export interface DrainProgress {
  /** An eviction a PodDisruptionBudget refused, to be retried: kubectl's line with the budget's cause. */
  onRetry?: (message: string) => void;
}

export interface ClusterClient {
  readonly info: ClusterInfo;

  /**
   * The resources the cluster serves now — built-in kinds and the kinds of
   * Established CustomResourceDefinitions — as discovery reports them. The UI's
   * `:` prompt and views, and the folder sync, take kinds from here only.
   */
  resources(): readonly KindInfo[];
  /** Called after every change of resources() (a CRD established, changed or deleted). */
  onResourcesChanged(fn: () => void): Subscription;

  list(kind: string, opts?: ClientListOptions): Promise<{ items: KubeObject[]; resourceVersion: string }>;
  get(kind: string, namespace: string, name: string): Promise<KubeObject | undefined>;
  /**
   * Streams changes. Errors (a lost connection) go to onError; the client
   * re-lists and resumes by itself, emitting what changed meanwhile.
   */
  watch(kind: string, opts: ClientWatchOptions, onEvent: (ev: WatchEvent) => void, onError?: (err: Error) => void): Subscription;

  create(obj: KubeObject): Promise<KubeObject>;
  update(obj: KubeObject): Promise<KubeObject>;
  apply(obj: KubeObject, opts?: { fieldManager?: string; dryRun?: boolean }): Promise<ApplyResult>;
  patch(kind: string, namespace: string, name: string, type: PatchType, patch: unknown): Promise<KubeObject>;
  delete(kind: string, namespace: string, name: string, opts?: { propagationPolicy?: PropagationPolicy; gracePeriodSeconds?: number }): Promise<void>;

  /** The scale subresource: Deployments, ReplicaSets, StatefulSets. */
  scale(kind: string, namespace: string, name: string, replicas: number): Promise<void>;
  /** `kubectl rollout undo [--to-revision]`: copies the old ReplicaSet's template into the Deployment. */
  rollback(namespace: string, name: string, toRevision?: number): Promise<{ from: number; to: number }>;
  /** `kubectl rollout restart`: stamps kubectl.kubernetes.io/restartedAt on the pod template. */
  restart(kind: string, namespace: string, name: string): Promise<void>;
  cordon(node: string, unschedulable: boolean): Promise<void>;
  /**
   * Cordon, then evict every pod but DaemonSet and mirror pods. Evictions a
   * PodDisruptionBudget refuses are retried every 5 s, as kubectl drain does,
   * each refusal reported to `onRetry`; the drain fails naming the budget when
   * it still refuses at the client's timeout.
   */
  drain(node: string, opts?: DrainProgress): Promise<void>;
  /** `kubectl create job --from=cronjob/NAME`. */
  triggerCronJob(namespace: string, name: string): Promise<KubeObject>;

  logs(namespace: string, pod: string, opts: LogOptions, onLine: (line: LogLine) => void, onEnd?: (err?: Error) => void): Subscription;

  /**
   * `kubectl exec -it`: runs a command in a pod's container attached to the
   * given terminal (its keys in, its output out, its size followed) and
   * resolves with the command's exit code. Rejects when the pod or container
   * cannot run it (not found, not running, a runtime without exec).
   */
  execInteractive(req: ExecRequest, io: ExecTerminal): Promise<number>;

  /**
   * Listens on the local address and forwards each connection to the pod (or
   * to one ready pod of the Service); the forward lives as long as that pod.
   */
  portForward(req: PortForwardRequest): Promise<PortForwardHandle>;

  podMetrics?(namespace?: string): Promise<PodMetrics[]>;
  nodeMetrics?(): Promise<NodeMetrics[]>;

  close(): Promise<void>;
}

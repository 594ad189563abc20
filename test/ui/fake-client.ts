// An in-memory ClusterClient for UI tests: seeded objects, live watch
// callbacks, scripted log lines, and a record of every mutating call
// (scale, rollback, delete …) so tests assert what the UI asked for.
import { KINDS, type KindInfo } from '../../src/api/kinds.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { WatchEvent } from '../../src/api/store-types.js';
import type {
  ApplyResult,
  ClientListOptions,
  ClientWatchOptions,
  ClusterClient,
  ClusterInfo,
  ExecRequest,
  ExecTerminal,
  LogLine,
  LogOptions,
  NodeMetrics,
  PodMetrics,
  PortForwardEnd,
  PortForwardHandle,
  PortForwardRequest,
  Subscription,
} from '../../src/client/types.js';

/** A forward the fake hands out: no socket, ended by the test with end(). */
export interface FakeForward extends PortForwardHandle {
  req: PortForwardRequest;
  stopped: boolean;
  end(e: PortForwardEnd): void;
}

export interface Call {
  method: string;
  args: unknown[];
}

interface Watcher {
  kind: string;
  namespace?: string;
  onEvent: (ev: WatchEvent) => void;
  onError?: (err: Error) => void;
}

interface LogStream {
  namespace: string;
  pod: string;
  opts: LogOptions;
  onLine: (l: LogLine) => void;
  onEnd?: (err?: Error) => void;
  stopped: boolean;
}

let uidSeq = 0;

export class FakeClusterClient implements ClusterClient {
  info: ClusterInfo = { context: 'kubeterm (embedded)', mode: 'embedded', runtime: 'simulated', runtimeReason: 'no Docker engine answered', serverVersion: 'v1.31.0' };
  calls: Call[] = [];
  private objects = new Map<string, KubeObject>();
  private watchers = new Set<Watcher>();
  logStreams: LogStream[] = [];
  /** Make the next mutating call reject with this error. */
  failNext?: Error;
  rv = 1;
  podMetricsData?: PodMetrics[];
  nodeMetricsData?: NodeMetrics[];

  constructor(seed: KubeObject[] = []) {
    for (const o of seed) this.put(o, false);
  }

  // ---- discovery: the built-in kinds, plus what a test registers ----
  private kinds: readonly KindInfo[] = KINDS;
  private resourceListeners = new Set<() => void>();

  resources(): readonly KindInfo[] {
    return this.kinds;
  }

  onResourcesChanged(fn: () => void): Subscription {
    this.resourceListeners.add(fn);
    return { stop: () => void this.resourceListeners.delete(fn) };
  }

  /** Serves a custom kind (or replaces it), as a CRD becoming Established does. */
  registerKind(info: KindInfo): void {
    this.kinds = [...this.kinds.filter((k) => k.kind !== info.kind), info];
    for (const fn of [...this.resourceListeners]) fn();
  }

  /** Stops serving a kind, as deleting its CRD does. */
  unregisterKind(kind: string): void {
    this.kinds = this.kinds.filter((k) => k.kind !== kind);
    for (const fn of [...this.resourceListeners]) fn();
  }

  private key(kind: string, ns: string, name: string): string {
    return `${kind}/${ns}/${name}`;
  }

  /** Adds or replaces an object, notifying watchers (ADDED or MODIFIED). */
  put(obj: KubeObject, notify = true): KubeObject {
    const ns = obj.metadata.namespace ?? '';
    const k = this.key(obj.kind, ns, obj.metadata.name ?? '');
    const old = this.objects.get(k);
    const stored: KubeObject = {
      ...obj,
      metadata: { ...obj.metadata, namespace: ns, uid: obj.metadata.uid ?? old?.metadata.uid ?? `uid-${++uidSeq}`, resourceVersion: String(++this.rv) },
    };
    this.objects.set(k, stored);
    if (notify) this.emit({ type: old ? 'MODIFIED' : 'ADDED', object: stored, oldObject: old });
    return stored;
  }

  remove(kind: string, ns: string, name: string): void {
    const k = this.key(kind, ns, name);
    const old = this.objects.get(k);
    if (!old) return;
    this.objects.delete(k);
    this.emit({ type: 'DELETED', object: old });
  }

  private emit(ev: WatchEvent): void {
    for (const w of this.watchers) {
      if (w.kind !== ev.object.kind) continue;
      if (w.namespace && w.namespace !== ev.object.metadata.namespace) continue;
      w.onEvent(ev);
    }
  }

  /** Simulates a lost connection on every watch of a kind. */
  breakWatch(kind: string, message = 'connection refused'): void {
    for (const w of this.watchers) if (w.kind === kind) w.onError?.(new Error(message));
  }

  watching(kind: string): number {
    return [...this.watchers].filter((w) => w.kind === kind).length;
  }

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = undefined;
      throw e;
    }
  }

  callsTo(method: string): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  async list(kind: string, opts: ClientListOptions = {}) {
    const items = [...this.objects.values()].filter((o) => o.kind === kind && (!opts.namespace || o.metadata.namespace === opts.namespace));
    return { items, resourceVersion: String(this.rv) };
  }

  async get(kind: string, namespace: string, name: string) {
    return this.objects.get(this.key(kind, namespace, name));
  }

  watch(kind: string, opts: ClientWatchOptions, onEvent: (ev: WatchEvent) => void, onError?: (err: Error) => void): Subscription {
    const w: Watcher = { kind, namespace: opts.namespace, onEvent, onError };
    this.watchers.add(w);
    for (const o of this.objects.values()) if (o.kind === kind && (!opts.namespace || o.metadata.namespace === opts.namespace)) onEvent({ type: 'ADDED', object: o });
    return { stop: () => this.watchers.delete(w) };
  }

  async create(obj: KubeObject) {
    this.record('create', obj);
    return this.put(obj);
  }
  async update(obj: KubeObject) {
    this.record('update', obj);
    return this.put(obj);
  }
  async apply(obj: KubeObject): Promise<ApplyResult> {
    this.record('apply', obj);
    return { object: this.put(obj), action: 'configured' };
  }
  async patch(kind: string, namespace: string, name: string, type: string, patch: unknown) {
    this.record('patch', kind, namespace, name, type, patch);
    const o = this.objects.get(this.key(kind, namespace, name));
    if (!o) throw new Error(`${kind} "${name}" not found`);
    // Merge patches are applied (enough for the UI's spec toggles); others are only recorded.
    return type === 'merge' ? this.put(mergePatch(o, patch) as KubeObject) : o;
  }
  async delete(kind: string, namespace: string, name: string, opts?: { gracePeriodSeconds?: number }) {
    this.record('delete', kind, namespace, name, opts);
    this.remove(kind, namespace, name);
  }
  async scale(kind: string, namespace: string, name: string, replicas: number) {
    this.record('scale', kind, namespace, name, replicas);
    const o = this.objects.get(this.key(kind, namespace, name));
    if (o) this.put({ ...o, spec: { ...o.spec, replicas } });
  }
  async rollback(namespace: string, name: string, toRevision?: number) {
    this.record('rollback', namespace, name, toRevision);
    return { from: 2, to: toRevision ?? 1 };
  }
  async restart(kind: string, namespace: string, name: string) {
    this.record('restart', kind, namespace, name);
  }
  async cordon(node: string, unschedulable: boolean) {
    this.record('cordon', node, unschedulable);
    const o = this.objects.get(this.key('Node', '', node));
    if (o) this.put({ ...o, spec: { ...o.spec, unschedulable } });
  }
  async drain(node: string) {
    this.record('drain', node);
  }
  async triggerCronJob(namespace: string, name: string) {
    this.record('triggerCronJob', namespace, name);
    return this.put({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: `${name}-manual-1`, namespace }, spec: {} });
  }

  logs(namespace: string, pod: string, opts: LogOptions, onLine: (l: LogLine) => void, onEnd?: (err?: Error) => void): Subscription {
    this.calls.push({ method: 'logs', args: [namespace, pod, opts] });
    const s: LogStream = { namespace, pod, opts, onLine, onEnd, stopped: false };
    this.logStreams.push(s);
    return { stop: () => (s.stopped = true) };
  }

  /** Sends a log line to every open stream of a pod (and container, if given). */
  log(pod: string, text: string, container?: string): void {
    for (const s of this.logStreams) {
      if (s.stopped || s.pod !== pod || (container && s.opts.container !== container)) continue;
      s.onLine({ pod, container: s.opts.container ?? 'main', text, time: '2026-01-01T00:00:00Z' });
    }
  }

  forwards: FakeForward[] = [];
  private nextLocalPort = 40000;

  /** What an interactive exec does: default, exit 0 at once. Tests may write to the terminal or fail. */
  execBehaviour: (req: ExecRequest, io: ExecTerminal) => Promise<number> = async () => 0;

  async execInteractive(req: ExecRequest, io: ExecTerminal): Promise<number> {
    this.record('execInteractive', req);
    return this.execBehaviour(req, io);
  }

  async portForward(req: PortForwardRequest): Promise<PortForwardHandle> {
    this.record('portForward', req);
    let finish: (e: PortForwardEnd) => void = () => undefined;
    const done = new Promise<PortForwardEnd>((r) => (finish = r));
    const f: FakeForward = {
      req,
      namespace: req.namespace,
      kind: req.kind,
      name: req.name,
      pod: req.kind === 'Pod' ? req.name : `${req.name}-pod`,
      ...(req.container ? { container: req.container } : {}),
      remotePort: Number(req.remotePort),
      address: req.address ?? '127.0.0.1',
      localPort: req.localPort || this.nextLocalPort++,
      active: 0,
      done,
      stopped: false,
      end: (e) => finish(e),
      stop: async () => {
        f.stopped = true;
        finish({ reason: 'stopped', message: 'stopped' });
      },
    };
    this.forwards.push(f);
    return f;
  }

  async close() {}
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Optional metrics: attach to make the client offer podMetrics/nodeMetrics. */
export function withMetrics(c: FakeClusterClient, nodes: NodeMetrics[], pods: PodMetrics[]): FakeClusterClient {
  c.nodeMetricsData = nodes;
  c.podMetricsData = pods;
  (c as ClusterClient).nodeMetrics = async () => c.nodeMetricsData ?? [];
  (c as ClusterClient).podMetrics = async () => c.podMetricsData ?? [];
  return c;
}

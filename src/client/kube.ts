// Length: KubeClient mirrors EmbeddedClient call for call (the ClusterClient interface); splitting it would split that mirror.
// KubeClient: the ClusterClient over any Kubernetes API server, reached
// through a kubeconfig with the official `@kubernetes/client-node` (config
// loading and credentials, the Watch stream). It mirrors EmbeddedClient call
// for call, so the UI and the folder sync behave the same against a real
// cluster: kubectl's client-side apply, the scale subresource, kubectl's
// client-side rollout undo, evictions for drain, logs, metrics-server.
// Objects stay plain JSON (kind and apiVersion filled in on list items, as the
// embedded store returns them); failures are the same StatusErrors.
// The kinds it knows are the server's: read from discovery on connect (with
// the CRDs' printer columns), and read again whenever a
// CustomResourceDefinition changes (a watch on them), so resources() follows
// what the server serves.
import type { Writable } from 'node:stream';
import { Exec, KubeConfig, Watch } from '@kubernetes/client-node';
import type { PropagationPolicy } from '../api/api.js';
import { badRequest, isStatusError, notFound, StatusError } from '../api/errors.js';
import { qualifiedResource, type KindInfo } from '../api/kinds.js';
import type { KubeObject } from '../api/meta.js';
import { applyPatchFor, clientSideApply } from '../api/patch/apply.js';
import { hasStrategicSchema, type PatchType } from '../api/patch/index.js';
import type { WatchEvent } from '../api/store-types.js';
import { realClock, type Clock } from '../util/clock.js';
import { KubeHttp, type Query } from './kube-http.js';
import { attachTerminal, exitCodeOf } from './exec-terminal.js';
import { streamLogs } from './kube-logs.js';
import { kubePortForward, type WebSocketInterface } from './kube-port-forward.js';
import { metricsAvailable, readNodeMetrics, readPodMetrics } from './kube-metrics.js';
import { CRD_API_VERSION, CRD_PLURAL, discover, KindIndex, resourcesSignature } from './kube-discovery.js';
import { ResourceResolver, refOf, resourcePath, unknownResource, type ResourceRef } from './kube-resources.js';
import { cordonRemote, drainRemote, restartRemote, rollbackRemote, triggerCronJobRemote, type VerbClient } from './kube-verbs.js';
import { KubeWatchSession } from './kube-watch.js';
import { OpenStreams } from './open-streams.js';
import type {
  ApplyResult,
  ClientListOptions,
  ClientWatchOptions,
  ClusterClient,
  DrainProgress,
  ClusterInfo,
  ExecRequest,
  ExecTerminal,
  LogLine,
  LogOptions,
  NodeMetrics,
  PodMetrics,
  PortForwardHandle,
  PortForwardRequest,
  Subscription,
} from './types.js';

export const PATCH_CONTENT_TYPE: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** Items per page when listing; the client follows `continue` tokens. */
const PAGE_SIZE = 500;

export interface KubeClientOptions {
  kubeConfig: KubeConfig;
  /** Field manager recorded for writes; default `kubeterm`, as the embedded client. */
  fieldManager?: string;
  clock?: Clock;
  /** Port-forward's WebSocket connector (tests); default client-node's, from the kubeconfig. */
  webSocket?: WebSocketInterface;
}

export class KubeClient implements ClusterClient {
  readonly info: ClusterInfo;
  readonly http: KubeHttp;
  /** Namespace for objects that name none: the kubeconfig context's, else `default`. */
  readonly defaultNamespace: string;
  private readonly kc: KubeConfig;
  private readonly stream: Watch;
  private readonly resolver: ResourceResolver;
  private readonly fieldManager: string;
  private readonly clock: Clock;
  private readonly open = new OpenStreams();
  private readonly webSocket?: WebSocketInterface;

  // ---- the server's resources (discovery) ----
  private index = new KindIndex([]);
  private signature = resourcesSignature([]);
  private readonly resourceListeners = new Set<() => void>();
  /** The first discovery (connect() awaits it; calls made without connect() wait for it too). */
  private initial?: Promise<void>;
  private running?: Promise<void>;
  private queued?: Promise<void>;
  private lastDiscovery = Number.NEGATIVE_INFINITY;
  private crdWatch?: Subscription;
  /** Why CRDs are not followed (cannot be listed or watched), if they are not. */
  crdWatchError?: string;

  podMetrics?: (namespace?: string) => Promise<PodMetrics[]>;
  nodeMetrics?: () => Promise<NodeMetrics[]>;

  /**
   * Loads the kubeconfig (`file`, else $KUBECONFIG / ~/.kube/config), picks the
   * context, and asks the server for its version and whether it serves
   * metrics.k8s.io. Fails with one readable line when the file, the context or
   * the server is not usable.
   */
  static async fromKubeconfig(file?: string, context?: string, opts: Omit<KubeClientOptions, 'kubeConfig'> = {}): Promise<KubeClient> {
    const kc = new KubeConfig();
    try {
      if (file) kc.loadFromFile(file);
      else kc.loadFromDefault();
    } catch (e) {
      throw new Error(`cannot load kubeconfig ${file ?? '(default)'}: ${(e as Error).message}`, { cause: e });
    }
    const where = file ?? 'the default kubeconfig';
    if (context) {
      if (!kc.getContextObject(context)) {
        const names = kc.getContexts().map((c) => c.name);
        throw new Error(`context "${context}" does not exist in ${where}${names.length ? ` (it has: ${names.join(', ')})` : ''}`);
      }
      kc.setCurrentContext(context);
    } else if (!kc.getCurrentContext() || !kc.getContextObject(kc.getCurrentContext())) {
      throw new Error(`${where} has no current context; pass --context NAME`);
    }
    const client = new KubeClient({ ...opts, kubeConfig: kc });
    await client.connect();
    return client;
  }

  constructor(o: KubeClientOptions) {
    this.kc = o.kubeConfig;
    const context = this.kc.getCurrentContext();
    this.http = new KubeHttp({ kubeConfig: this.kc, context });
    this.stream = new Watch(this.kc);
    this.resolver = new ResourceResolver(this.http, (kind, apiVersion) => this.index.forObject(kind, apiVersion));
    this.fieldManager = o.fieldManager ?? 'kubeterm';
    this.clock = o.clock ?? realClock;
    this.webSocket = o.webSocket;
    this.defaultNamespace = this.kc.getContextObject(context)?.namespace || 'default';
    this.info = { context, mode: 'kube', runtime: 'remote', serverVersion: '' };
  }

  /** Reads /version (the header shows it) and offers metrics when metrics-server is installed. */
  async connect(): Promise<void> {
    const v = await this.http.json<{ gitVersion?: string; major?: string; minor?: string }>({ method: 'GET', path: '/version' });
    (this.info as { serverVersion: string }).serverVersion = v?.gitVersion ?? (v?.major ? `v${v.major}.${v.minor}` : 'unknown');
    // /version is public; discovery is not, so it is where refused credentials show, before any view opens.
    const metrics = await metricsAvailable(this.http).catch((e) => {
      if (isStatusError(e) && e.code === 401) {
        throw new StatusError(e.code, e.reason, `${e.message}: the credentials of kubeconfig context "${this.info.context}" were refused`, e.details);
      }
      return false;
    });
    if (metrics) {
      this.podMetrics = (ns) => readPodMetrics(this.http, ns);
      this.nodeMetrics = () => readNodeMetrics(this.http);
    }
    await this.ready();
  }

  // ---- discovery -----------------------------------------------------------

  resources(): readonly KindInfo[] {
    return this.index.all;
  }

  onResourcesChanged(fn: () => void): Subscription {
    this.resourceListeners.add(fn);
    return { stop: () => void this.resourceListeners.delete(fn) };
  }

  /** Reads discovery again now (also done by itself when a CRD changes). */
  refreshResources(): Promise<void> {
    if (this.queued) return this.queued;
    const after = this.running ?? Promise.resolve();
    const next = after
      // The previous refresh's failure was reported to its own caller; this one starts afresh.
      .catch(() => undefined)
      .then(async () => {
        this.queued = undefined;
        this.running = next;
        try {
          await this.rediscover();
        } finally {
          this.running = undefined;
        }
      });
    this.queued = next;
    return next;
  }

  /** The first discovery; a failed one is tried again by the next call. */
  private ready(): Promise<void> {
    if (!this.initial) {
      this.initial = this.refreshResources().catch((e) => {
        this.initial = undefined;
        if (isStatusError(e) && e.code === 401) {
          throw new StatusError(e.code, e.reason, `${e.message}: the credentials of kubeconfig context "${this.info.context}" were refused`, e.details);
        }
        throw isStatusError(e) ? e : new Error(`cannot read the API discovery of ${this.http.server}: ${(e as Error).message}`, { cause: e });
      });
    }
    return this.initial;
  }

  private async rediscover(): Promise<void> {
    if (this.open.closed) return;
    const d = await discover(this.http);
    this.lastDiscovery = this.clock.now();
    if (!this.open.closed && d.crdResourceVersion !== undefined && !this.crdWatch) this.watchCrds(d.crdResourceVersion);
    else if (d.crdResourceVersion === undefined && !this.crdWatch) this.crdWatchError = d.crdError;
    const sig = resourcesSignature(d.kinds);
    if (sig === this.signature) return;
    this.signature = sig;
    this.index = new KindIndex(d.kinds);
    this.resolver.forget();
    for (const fn of [...this.resourceListeners]) {
      try {
        fn();
      } catch {
        // a listener's failure is its own
      }
    }
  }

  /**
   * Follows CustomResourceDefinitions: any change (created, Established,
   * names or versions changed, deleted) reads discovery again. A watch that
   * fails is retried by its session and never disturbs anything else.
   */
  private watchCrds(resourceVersion: string): void {
    const ref: ResourceRef = { kind: 'CustomResourceDefinition', apiVersion: CRD_API_VERSION, plural: CRD_PLURAL, namespaced: false, subresources: ['status'] };
    const session = new KubeWatchSession({
      stream: this.stream,
      path: resourcePath(ref, undefined),
      resourceVersion: resourceVersion || undefined,
      list: () => this.listRef(ref, {}),
      clock: this.clock,
      onEvent: () => {
        this.crdWatchError = undefined;
        // A failed discovery read keeps the last resource list; the next CRD event or lookup reads it again.
        this.refreshResources().catch(() => undefined);
      },
      onError: (e) => {
        this.crdWatchError = e.message;
      },
      describe: (e) => this.http.connectionError(e),
    });
    try {
      this.crdWatch = this.track(() => session.stop(), () => session.start());
    } catch (e) {
      this.crdWatchError = (e as Error).message;
    }
  }

  /** `pods`, `po`, `Pod`, `deployments.apps`, a custom kind … → what the server serves, or kubectl's error. */
  private async kindOf(kind: string): Promise<KindInfo> {
    await this.ready();
    let info = this.index.resolve(kind);
    // Not (yet) in the resource list: a CRD may have just been Established; read discovery again, at most once a second.
    if (!info && this.clock.now() - this.lastDiscovery >= 1000) {
      // Discovery unreachable: the lookup below answers from the resource list we have.
      await this.refreshResources().catch(() => undefined);
      info = this.index.resolve(kind);
    }
    if (!info) throw unknownResource(kind);
    return info;
  }

  // ---- reads -------------------------------------------------------------

  async list(kind: string, opts: ClientListOptions = {}): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    return this.listRef(refOf(await this.kindOf(kind)), opts);
  }

  private async listRef(ref: ResourceRef, opts: ClientListOptions): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const path = resourcePath(ref, opts.namespace || undefined);
    const base: Query = { labelSelector: opts.labelSelector || undefined, fieldSelector: opts.fieldSelector || undefined };
    const items: KubeObject[] = [];
    let resourceVersion = '';
    let cont: string | undefined;
    do {
      let page;
      try {
        page = await this.http.json<{ items?: KubeObject[]; metadata?: { resourceVersion?: string; continue?: string } }>({
          method: 'GET',
          path,
          query: { ...base, limit: PAGE_SIZE, continue: cont },
        });
      } catch (e) {
        // An expired continue token: the snapshot is gone, list again whole.
        if (cont && isStatusError(e) && e.code === 410) return this.listRef(ref, opts);
        throw e;
      }
      for (const it of page?.items ?? []) items.push(typed(it, ref));
      if (!cont) resourceVersion = page?.metadata?.resourceVersion ?? '';
      cont = page?.metadata?.continue || undefined;
    } while (cont);
    return { items, resourceVersion };
  }

  async get(kind: string, namespace: string, name: string): Promise<KubeObject | undefined> {
    const ref = refOf(await this.kindOf(kind));
    try {
      return typed(await this.http.json({ method: 'GET', path: resourcePath(ref, this.ns(ref, namespace), name) }), ref);
    } catch (e) {
      if (isStatusError(e, 'NotFound')) return undefined;
      throw e;
    }
  }

  watch(kind: string, opts: ClientWatchOptions, onEvent: (ev: WatchEvent) => void, onError?: (err: Error) => void): Subscription {
    const listOpts: ClientListOptions = { namespace: opts.namespace, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector };
    let session: KubeWatchSession | undefined;
    let stopped = false;
    const start = (ref: ResourceRef) => {
      if (stopped) return;
      session = this.watchSession(ref, opts, listOpts, onEvent, onError);
      session.start();
    };
    const tracked = this.track(
      () => {
        stopped = true;
        session?.stop();
      },
      () => {
        const known = this.index.resolve(kind);
        if (known) start(refOf(known));
        else {
          // A bad kind is reported like a failed request, never thrown from watch() (as the embedded client).
          this.kindOf(kind).then(
            (info) => start(refOf(info)),
            (e: Error) => {
              if (stopped) return;
              this.open.forget(tracked);
              onError?.(e);
            },
          );
        }
      },
    );
    return tracked;
  }

  private watchSession(
    ref: ResourceRef,
    opts: ClientWatchOptions,
    listOpts: ClientListOptions,
    onEvent: (ev: WatchEvent) => void,
    onError?: (err: Error) => void,
  ): KubeWatchSession {
    return new KubeWatchSession({
      stream: this.stream,
      path: resourcePath(ref, opts.namespace || undefined),
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      resourceVersion: opts.resourceVersion,
      list: () => this.listRef(ref, listOpts),
      clock: this.clock,
      onEvent: (ev) => onEvent({ ...ev, object: typed(ev.object, ref), ...(ev.oldObject ? { oldObject: typed(ev.oldObject, ref) } : {}) }),
      onError,
      describe: (e) => this.http.connectionError(e),
    });
  }

  // ---- writes ------------------------------------------------------------

  async create(obj: KubeObject, dryRun = false): Promise<KubeObject> {
    await this.ready();
    const ref = await this.resolver.forObject(obj);
    const ns = this.ns(ref, obj.metadata?.namespace);
    return typed(
      await this.http.json({
        method: 'POST',
        path: resourcePath(ref, ns),
        query: this.writeQuery(dryRun),
        body: withNamespace(obj, ref, ns),
      }),
      ref,
    );
  }

  async update(obj: KubeObject): Promise<KubeObject> {
    await this.ready();
    const ref = await this.resolver.forObject(obj);
    const ns = this.ns(ref, obj.metadata?.namespace);
    const name = obj.metadata?.name ?? '';
    return typed(
      await this.http.json({ method: 'PUT', path: resourcePath(ref, ns, name), query: this.writeQuery(false), body: withNamespace(obj, ref, ns) }),
      ref,
    );
  }

  /**
   * `kubectl apply` (client-side): create with the last-applied annotation when
   * absent; else the three-way strategic merge patch of last-applied, manifest
   * and live object — an empty patch is "unchanged", as kubectl reports it.
   */
  async apply(obj: KubeObject, opts: { fieldManager?: string; dryRun?: boolean } = {}): Promise<ApplyResult> {
    await this.ready();
    const ref = await this.resolver.forObject(obj);
    const ns = this.ns(ref, obj.metadata?.namespace);
    const name = obj.metadata?.name;
    if (!name) throw badRequest(`error when retrieving current configuration of ${obj.kind}: resource name may not be empty`);
    const manifest = withNamespace(obj, ref, ns);
    const fieldManager = opts.fieldManager ?? this.fieldManager;
    for (let attempt = 0; ; attempt++) {
      const live = await this.getRef(ref, ns, name);
      try {
        if (!live) {
          const created = await this.http.json({
            method: 'POST',
            path: resourcePath(ref, ns),
            query: { fieldManager, dryRun: opts.dryRun ? 'All' : undefined },
            body: clientSideApply(undefined, manifest),
          });
          return { object: typed(created, ref), action: 'created' };
        }
        const patch = applyPatchFor(live, manifest);
        if (Object.keys(patch).length === 0) return { object: live, action: 'unchanged' };
        // Kinds without strategic-merge metadata (custom resources) take a JSON merge patch, as kubectl sends them.
        const type: PatchType = hasStrategicSchema(ref.kind) ? 'strategic' : 'merge';
        const patched = await this.http.json({
          method: 'PATCH',
          path: resourcePath(ref, ns, name),
          query: { fieldManager, dryRun: opts.dryRun ? 'All' : undefined },
          body: patch,
          contentType: PATCH_CONTENT_TYPE[type],
        });
        return { object: typed(patched, ref), action: 'configured' };
      } catch (e) {
        // Someone created or changed it between our read and write: read again, as kubectl retries.
        if (attempt < 3 && (isStatusError(e, 'AlreadyExists') || isStatusError(e, 'Conflict'))) continue;
        throw e;
      }
    }
  }

  async patch(kind: string, namespace: string, name: string, type: PatchType, patch: unknown): Promise<KubeObject> {
    const ref = refOf(await this.kindOf(kind));
    const query: Query = { fieldManager: this.fieldManager, force: type === 'apply' ? true : undefined };
    return typed(
      await this.http.json({
        method: 'PATCH',
        path: resourcePath(ref, this.ns(ref, namespace), name),
        query,
        body: typeof patch === 'string' ? patch : JSON.stringify(patch),
        contentType: PATCH_CONTENT_TYPE[type],
      }),
      ref,
    );
  }

  async delete(
    kind: string,
    namespace: string,
    name: string,
    opts: { propagationPolicy?: PropagationPolicy; gracePeriodSeconds?: number } = {},
  ): Promise<void> {
    const ref = refOf(await this.kindOf(kind));
    await this.http.json({
      method: 'DELETE',
      path: resourcePath(ref, this.ns(ref, namespace), name),
      body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: opts.propagationPolicy, gracePeriodSeconds: opts.gracePeriodSeconds },
    });
  }

  // ---- subresources and kubectl verbs ------------------------------------------

  async scale(kind: string, namespace: string, name: string, replicas: number): Promise<void> {
    const info = await this.kindOf(kind);
    if (!info.subresources.includes('scale')) {
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', { kind: info.plural, name });
    }
    const ref = refOf(info);
    await this.http.json({
      method: 'PATCH',
      path: resourcePath(ref, this.ns(ref, namespace), name, 'scale'),
      query: { fieldManager: this.fieldManager },
      body: { spec: { replicas } },
      contentType: PATCH_CONTENT_TYPE.merge,
    });
  }

  async rollback(namespace: string, name: string, toRevision?: number): Promise<{ from: number; to: number }> {
    return rollbackRemote(this.verbs(), namespace, name, toRevision);
  }

  async restart(kind: string, namespace: string, name: string): Promise<void> {
    const info = await this.kindOf(kind);
    await restartRemote(this.verbs(), info.kind, qualifiedResource(info), namespace, name, this.clock.now());
  }

  async cordon(node: string, unschedulable: boolean): Promise<void> {
    await cordonRemote(this.verbs(), node, unschedulable);
  }

  async drain(node: string, opts: DrainProgress = {}): Promise<void> {
    await drainRemote(this.verbs(), node, { clock: this.clock, onRetry: opts.onRetry });
  }

  async triggerCronJob(namespace: string, name: string): Promise<KubeObject> {
    return triggerCronJobRemote(this.verbs(), namespace, name);
  }

  // ---- pods ------------------------------------------------------------------

  logs(namespace: string, pod: string, opts: LogOptions, onLine: (line: LogLine) => void, onEnd?: (err?: Error) => void): Subscription {
    let sub: Subscription | undefined;
    const tracked = this.track(
      () => sub?.stop(),
      () => {
        sub = streamLogs(this.http, namespace, pod, opts, onLine, (e) => {
          this.open.forget(tracked);
          onEnd?.(e);
        });
      },
    );
    return tracked;
  }

  /**
   * `kubectl exec -it` over the pod's exec subresource (WebSocket, channel
   * protocol): client-node's Exec carries the keys, the output, the exit
   * status and, for a TTY, the terminal's size and its changes.
   */
  async execInteractive(req: ExecRequest, io: ExecTerminal): Promise<number> {
    if (this.open.closed) throw new Error('the client is closed');
    const ns = req.namespace || this.defaultNamespace;
    const pod = await this.get('Pod', ns, req.pod);
    if (!pod) throw notFound('Pod', req.pod);
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
    // As kubectl: the default-container annotation, else the first container.
    const spec = pod.spec as { containers?: { name: string }[] } | undefined;
    const container = req.container || pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'] || spec?.containers?.[0]?.name || '';
    const term = attachTerminal(io, req.tty);
    try {
      let status: Parameters<typeof exitCodeOf>[0];
      // A TTY merges stderr into its one output stream, as kubectl exec -t does.
      const stderr = req.tty ? null : ((io.stderr as Writable | undefined) ?? term.stdout);
      const ws = await new Exec(this.kc, this.webSocket).exec(ns, req.pod, container, [...req.command], term.stdout, stderr, term.stdin, req.tty, (s) => {
        status = s as typeof status;
      });
      const failure = await new Promise<Error | undefined>((resolve) => {
        ws.on('close', () => resolve(undefined));
        ws.on('error', (e: Error) => resolve(e));
      });
      // A connection lost before the final Status says nothing of how the command ended.
      if (!status && failure) throw new Error(`exec in pod "${req.pod}" lost its connection: ${failure.message}`, { cause: failure });
      return exitCodeOf(status);
    } finally {
      term.detach();
    }
  }

  /** `kubectl port-forward` over the pod's portforward subresource (see kube-port-forward.ts). */
  async portForward(req: PortForwardRequest): Promise<PortForwardHandle> {
    if (this.open.closed) throw new Error('the client is closed');
    const handle = await kubePortForward({ kubeConfig: this.kc, client: this, webSocket: this.webSocket }, { ...req, namespace: req.namespace || this.defaultNamespace });
    return this.open.forward(handle);
  }

  /** Stops every watch, log stream and port-forward this client opened. */
  async close(): Promise<void> {
    await this.open.close();
  }

  // ---- helpers -------------------------------------------------------------

  private verbs(): VerbClient {
    return {
      get: (k, ns, n) => this.get(k, ns, n),
      list: (k, o) => this.list(k, o),
      patch: (k, ns, n, t, p) => this.patch(k, ns, n, t, p),
      create: (o) => this.create(o),
      delete: (k, ns, n, o) => this.delete(k, ns, n, o),
      evict: async (ns, n) => {
        await this.http.json({
          method: 'POST',
          path: `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(n)}/eviction`,
          body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: n, namespace: ns } },
        });
      },
    };
  }

  private async getRef(ref: ResourceRef, ns: string | undefined, name: string): Promise<KubeObject | undefined> {
    try {
      return typed(await this.http.json({ method: 'GET', path: resourcePath(ref, ns, name) }), ref);
    } catch (e) {
      if (isStatusError(e, 'NotFound')) return undefined;
      throw e;
    }
  }

  /** Cluster-scoped kinds have no namespace; namespaced ones default to the context's. */
  private ns(ref: ResourceRef, namespace: string | undefined): string | undefined {
    if (!ref.namespaced) return undefined;
    return namespace || this.defaultNamespace;
  }

  private writeQuery(dryRun: boolean): Query {
    return { fieldManager: this.fieldManager, dryRun: dryRun ? 'All' : undefined };
  }

  /** Registers a stream so close() can stop it; starts it unless the client is already closed. */
  private track(stop: () => void, start: () => void): Subscription {
    return this.open.track(stop, start);
  }
}

/** List items (and some watch payloads) come without kind/apiVersion; the embedded store always sets them. */
function typed(obj: KubeObject, ref: ResourceRef): KubeObject {
  if (!obj || typeof obj !== 'object') return obj;
  if (obj.kind && obj.apiVersion) return obj;
  return { ...obj, apiVersion: obj.apiVersion || ref.apiVersion, kind: obj.kind || ref.kind };
}

/** The object as sent: its namespace filled in for namespaced kinds, removed for cluster-scoped ones. */
function withNamespace(obj: KubeObject, ref: ResourceRef, ns: string | undefined): KubeObject {
  const metadata = { ...(obj.metadata ?? {}) };
  if (ref.namespaced) metadata.namespace = ns;
  else delete metadata.namespace;
  return { ...obj, metadata };
}

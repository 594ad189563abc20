// Length: the start order of every part and the reverse order of stopping are one sequence; the parts with a job of their own live in src/engine/.
// One embedded cluster: the state store, the Api door, the controllers, the
// scheduler, node lifecycle and N kubelets on one runtime, started in that
// order and stopped in reverse. This is the only module besides tests that
// opens state/; everything else sees the cluster through the Api (engine
// parts) or through ClusterClient (the UI, the folder sync).
import { Api } from './api/api.js';
import { isStatusError } from './api/errors.js';
import { parseQuantity, quantityToNumber } from './api/quantity.js';
import type { ObjectStore } from './api/store-types.js';
import { EmbeddedClient } from './client/embedded.js';
import type { ClusterInfo, LogLine, LogOptions, NodeMetrics, PodMetrics, Subscription } from './client/types.js';
import type { RuntimeDriver } from './kubelet/runtime/types.js';
import { defaultAdmissionPlugins, type AdmissionPlugin } from './api/admission/index.js';
import { createServiceAllocator } from './api/service-ip.js';
import { ApiServer, ensureToken, writeKubeconfig, type MetricsSource, type ServingCert } from './apiserver/index.js';
import { clusterAutoscalerFactory, type NodePool } from './controllers/cluster-autoscaler.js';
import { hpaControllerFactory } from './controllers/hpa.js';
import { CONTROLLER_FACTORIES, startControllers, type ControllerFactory, type RunningControllers } from './controllers/index.js';
import { pvControllerFactory } from './controllers/pv-controller.js';
import { rootCACertPublisherFactory } from './controllers/serviceaccount.js';
import type { Controller } from './controllers/controller.js';
import { ServiceAccountTokens } from './api/auth/sa-token.js';
import { newEventTTLController } from './controllers/event-ttl.js';
import { registerEstablishedCrds } from './controllers/crd.js';
import { KindRegistry } from './api/kinds.js';
import { Network, podDnsConfig, type ForwardOptions, type NetworkStatus, type PortForward } from './network/index.js';
import type { DockerDriver } from './kubelet/runtime/docker/index.js';
import { NodeLifecycleController } from './controllers/node-lifecycle.js';
import { Kubelet } from './kubelet/kubelet.js';
import { Scheduler } from './scheduler/scheduler.js';
import { realClock, type Clock } from './util/clock.js';
import { SERVER_VERSION } from './version.js';
import { MemoryStore, openStore, type OpenedStore } from '../state/index.js';
import { prepareApiIdentity, serviceAccountTokenSource, startKubernetesService } from './engine/api-identity.js';
import { PodAccess } from './engine/pod-access.js';
import { ensureInstanceId, ensureSystemNamespaces, serviceAllocation } from './engine/cluster-bootstrap.js';
import { chooseRuntime, type NodeCapacity } from './engine/runtime-choice.js';
import type { ApiServerStatus, EngineConfig } from './engine/config.js';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export type { DockerEndpoint, NodeCapacity, RuntimeChoice } from './engine/runtime-choice.js';
export { dockerEndpoint, pingDocker } from './engine/runtime-choice.js';
export type { ApiServerStatus, EngineConfig } from './engine/config.js';

/** What a started part offers the engine for shutdown. */
interface Part {
  stop(): void | Promise<void>;
}


/** The node names kubelets register: node-1 … node-N. */
export function nodeNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `node-${i + 1}`);
}

export class Engine {
  readonly config: Readonly<EngineConfig>;
  readonly clock: Clock;
  /** Runtime drivers asked for but not in the tree yet (see `seam`), named so headless mode can say so. */
  readonly missing: string[] = [];
  private opened?: OpenedStore;
  private _api?: Api;
  private _info?: ClusterInfo;
  private readonly parts: { name: string; part: Part }[] = [];
  private controllers?: RunningControllers;
  private readonly kubelets = new Map<string, Kubelet>();
  private readonly drivers: RuntimeDriver[] = [];
  private state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';
  private network?: Network;
  private _apiServer?: ApiServerStatus;
  /** The serving certificate, made before anything else when the API is served (pods' ca.crt is its PEM). */
  private servingCert?: ServingCert;
  /** Signs the ServiceAccount tokens the kubelets mount (only while the API is served). */
  private saTokens?: ServiceAccountTokens;
  /** The `kubernetes` Service's ClusterIP (the first of the service range). */
  private kubernetesIP = '';
  /** Keeps the `kubernetes` Service and its endpoints once the API server listens. */
  private kubernetesService?: Controller;
  private _dataDir?: string;
  private tempDataDir = false;
  private newPoolDriver?: (i: number) => RuntimeDriver;
  private instance = '';
  private stopping?: Promise<void>;
  /** Logs, exec, port dialing and metrics, routed to the kubelet of the pod's node. */
  private readonly pods: PodAccess;

  constructor(config: EngineConfig) {
    if (!Number.isInteger(config.nodes) || config.nodes < 1) throw new Error(`nodes must be a positive whole number, got ${config.nodes}`);
    if (!['auto', 'docker', 'process', 'sim'].includes(config.runtime)) throw new Error(`unknown runtime "${config.runtime}"`);
    this.config = { persist: true, ...config };
    this.clock = config.clock ?? realClock;
    this.pods = new PodAccess({
      api: () => this._api,
      clock: this.clock,
      kubelets: this.kubelets,
      allowedCIDRs: () => (this.config.network ? (this.config.network.allowedCIDRs ?? []) : []),
      docker: () => (this._info?.runtime === 'docker' ? (this.drivers[0] as DockerDriver | undefined) : undefined),
    });
  }

  get api(): Api {
    if (!this._api) throw new Error('the engine is not started');
    return this._api;
  }

  get info(): ClusterInfo {
    if (!this._info) throw new Error('the engine is not started');
    return this._info;
  }

  get store(): ObjectStore {
    return this.api.store;
  }

  /** The state file in use (undefined for a memory-only engine). */
  get stateFile(): string | undefined {
    return this.opened?.file;
  }

  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`the engine cannot start: it is ${this.state}`);
    this.state = 'starting';
    try {
      await this.startParts();
      this.state = 'running';
    } catch (e) {
      // Leave nothing half-started (the lock especially), then report.
      // The start error is the one to report; a stop error here would hide it.
      await this.stop().catch(() => {});
      throw e;
    }
  }

  private async startParts(): Promise<void> {
    const now = () => this.clock.now();
    let store: ObjectStore;
    if (this.config.persist === false) {
      store = new MemoryStore({ now });
    } else {
      this.opened = await openStore({ file: this.config.stateFile, now });
      store = this.opened.store;
    }
    const dataDir = this.prepareDataDir();
    // Admission: LimitRange defaults, ServiceAccount (and its token volume when the API is served), ResourceQuota, then ClusterIP/NodePort allocation.
    const allocator = createServiceAllocator({ serviceCIDR: this.config.network ? this.config.network.serviceCIDR : undefined });
    this.kubernetesIP = allocator.apiServerIP;
    if (this.config.apiServer) await this.prepareApiIdentity(dataDir);
    const admission: AdmissionPlugin[] = [...defaultAdmissionPlugins({ serviceAccount: { mountToken: !!this.saTokens } }), serviceAllocation(allocator)];
    const api = (this._api = new Api({ store, now, admission, kinds: new KindRegistry() }));
    // Custom kinds are served from the first request on: a restart loads the CRDs' kinds before anything reads their objects.
    registerEstablishedCrds(api);
    const allocWatch = allocator.attach(api);
    this.parts.push({ name: 'service allocator', part: { stop: () => allocWatch.stop() } });
    await ensureSystemNamespaces(api);
    const instance = (this.instance = await ensureInstanceId(api));

    const { runtime, reason, newDriver } = await chooseRuntime({ want: this.config.runtime, clock: this.clock, instance, resources: this.config.nodeCapacity, dataDir: this._dataDir, docker: this.config.docker });
    this._info = { context: 'kubeterm (embedded)', mode: 'embedded', runtime, runtimeReason: reason, serverVersion: SERVER_VERSION };

    const clock = this.clock;
    const eventTTLMs = this.config.eventTTLMs;
    const factories: ControllerFactory[] = [
      ...CONTROLLER_FACTORIES.map((f): ControllerFactory => (f === newEventTTLController && eventTTLMs !== undefined ? (deps) => newEventTTLController({ ...deps, ttlMs: eventTTLMs }) : f)),
      hpaControllerFactory({ podMetrics: (ns) => this.podMetrics(ns) }),
      pvControllerFactory(dataDir),
      ...(this.servingCert && this.saTokens ? [rootCACertPublisherFactory(this.servingCert.cert)] : []),
    ];
    if (this.config.nodePools?.length) {
      this.newPoolDriver = newDriver;
      factories.push(
        clusterAutoscalerFactory({
          pools: this.config.nodePools,
          addNode: (pool) => this.addPoolNode(pool),
          removeNode: (name) => this.removeNode(name),
        }),
      );
    }
    this.controllers = startControllers({ api, clock, factories });
    this.parts.push({ name: 'controllers', part: this.controllers });

    const scheduler = new Scheduler({ api, clock });
    scheduler.start();
    this.parts.push({ name: 'scheduler', part: scheduler });

    const lifecycle = new NodeLifecycleController({ api, clock });
    lifecycle.start();
    this.parts.push({ name: 'node lifecycle', part: lifecycle });

    if (this.config.network) {
      // Pods on Docker live on kubeterm's own bridge network: the proxy may dial those addresses, and no others off loopback.
      const podCIDRs = runtime === 'docker' ? await (newDriver(0) as DockerDriver).networkSubnets() : [];
      const allowedCIDRs = [...(this.config.network.allowedCIDRs ?? []), ...podCIDRs];
      const network = (this.network = new Network({ ...this.config.network, allowedCIDRs, api, clock }));
      await network.start();
      this.parts.push({ name: 'network', part: network });
    }

    const names = nodeNames(this.config.nodes);
    for (let i = 0; i < names.length; i++) {
      await this.startKubelet(names[i], newDriver(i));
    }

    if (this.config.apiServer) await this.startApiServer(this.config.apiServer, dataDir);
  }

  private async startKubelet(nodeName: string, driver: RuntimeDriver, opts: { capacity?: NodeCapacity; labels?: Record<string, string> } = {}): Promise<Kubelet> {
    if (!this.drivers.includes(driver)) this.drivers.push(driver);
    const k = new Kubelet({
      api: this.api,
      clock: this.clock,
      nodeName,
      driver,
      instance: this.instance,
      capacity: opts.capacity ?? this.config.nodeCapacity,
      labels: opts.labels,
      dataDir: path.join(this._dataDir ?? os.tmpdir(), 'kubelet', nodeName),
      dnsConfig: this.podDns(),
      // Provisioned volumes live under <dataDir>/pv; the rest of the data folder (keys, token, other pods' secrets) is never mountable.
      hostPath: { allow: [...(this._dataDir ? [path.join(this._dataDir, 'pv')] : []), ...(this.config.hostPath?.allow ?? [])], mode: this.config.hostPath?.mode },
      serviceAccountTokens: this.saTokens ? serviceAccountTokenSource(() => this.api, this.saTokens) : undefined,
    });
    this.kubelets.set(nodeName, k);
    this.parts.push({ name: `kubelet ${nodeName}`, part: k });
    await k.start();
    return k;
  }

  /**
   * Pods resolve cluster names through kubeterm's DNS only when it listens on a
   * service address containers can reach (kubeterm0); a loopback DNS is
   * unreachable from inside a container, so then pods keep the host's resolver.
   */
  private podDns(): ((ns: string) => ReturnType<typeof podDnsConfig>) | undefined {
    const st = this.network?.status();
    if (!st?.dns || st.mode !== 'interface') return undefined;
    const nameserver = st.dns.nameserver;
    return (ns) => podDnsConfig(ns, nameserver);
  }

  /** The cluster autoscaler's scale-up: one more simulated node labelled with its pool. */
  private async addPoolNode(pool: NodePool): Promise<void> {
    if (!this.newPoolDriver) throw new Error('node pools need the engine to be running');
    let n = 1;
    while (this.kubelets.has(`${pool.name}-${n}`)) n++;
    const name = `${pool.name}-${n}`;
    const capacity: NodeCapacity = { cpu: quantityNumber(pool.cpu), memory: quantityNumber(pool.memory), pods: pool.pods };
    await this.startKubelet(name, this.newPoolDriver(this.kubelets.size), { capacity, labels: { 'kubeterm.io/node-pool': pool.name } });
  }

  /** The cluster autoscaler's scale-down: stop the node's kubelet and delete its Node. */
  private async removeNode(name: string): Promise<void> {
    const k = this.kubelets.get(name);
    if (k) {
      await k.stop();
      this.kubelets.delete(name);
      const i = this.parts.findIndex((p) => p.part === k);
      if (i >= 0) this.parts.splice(i, 1);
    }
    try {
      await this.api.delete('Node', '', name);
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) throw e;
    }
  }

  /** The serving certificate and token signer; a failure is reported like the server's own and leaves both out. */
  private async prepareApiIdentity(dataDir: string): Promise<void> {
    try {
      const id = await prepareApiIdentity(dataDir, this.kubernetesIP, this.clock);
      this.servingCert = id.servingCert;
      this.saTokens = id.saTokens;
    } catch (e) {
      this._apiServer = { error: `the API server did not start: ${(e as Error).message}` };
    }
  }

  /** Serves the Kubernetes API over HTTPS with a bearer token and writes a kubeconfig; a failure is reported, not fatal. */
  private async startApiServer(cfg: { host?: string; port?: number }, dataDir: string): Promise<void> {
    if (!this.servingCert) return; // prepareApiIdentity reported why
    try {
      const cert = this.servingCert;
      const token = await ensureToken(dataDir);
      const server = new ApiServer({
        api: this.api,
        host: cfg.host ?? '127.0.0.1',
        port: cfg.port ?? 6443,
        tls: { cert: cert.cert, key: cert.key },
        token,
        // The kubelets' mounted tokens and the server's checks share one signer.
        serviceAccountTokens: this.saTokens,
        logs: this.pods.logsFn(),
        exec: this.pods.execFn(),
        portForward: (ns, pod, port) => this.dialPod(ns, pod, port),
        metrics: this.metricsSource(),
      });
      const { url } = await server.start();
      this.parts.push({ name: 'api server', part: server });
      const kubeconfig = path.join(dataDir, 'kubeconfig');
      await writeKubeconfig(kubeconfig, { server: url, token, caData: cert.cert });
      this._apiServer = { url, kubeconfig };
      const c = (this.kubernetesService = await startKubernetesService({ api: this.api, clock: this.clock, clusterIP: this.kubernetesIP, host: cfg.host ?? '127.0.0.1', port: Number(new URL(url).port) }));
      this.parts.push({ name: 'kubernetes service', part: c });
    } catch (e) {
      this._apiServer = { error: `the API server did not start: ${(e as Error).message}` };
    }
  }

  /** Runs a command in a pod's container through its node's kubelet (what `kubectl exec` does), collecting its output. */
  exec(namespace: string, pod: string, container: string | undefined, command: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    return this.pods.exec(namespace, pod, container, command);
  }

  /** Beside the state file, or a private temporary folder for a memory-only engine (removed on stop). */
  private prepareDataDir(): string {
    let dir = this.config.dataDir;
    if (!dir && this.opened) dir = path.dirname(this.opened.file);
    if (!dir) {
      dir = mkdtempSync(path.join(os.tmpdir(), 'kubeterm-engine-'));
      this.tempDataDir = true;
    }
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return (this._dataDir = dir);
  }

  /** Where kubectl reaches this engine (undefined when the API server is off). */
  get apiServer(): ApiServerStatus | undefined {
    return this._apiServer;
  }

  /** Service network mode, DNS and ingress ports (undefined when the network is off). */
  networkStatus(): NetworkStatus | undefined {
    return this.network?.status();
  }

  /** A ClusterClient over this engine. `ownsEngine`: closing the client stops the engine. */
  client(opts: { ownsEngine?: boolean } = {}): EmbeddedClient {
    return new EmbeddedClient(
      {
        api: this.api,
        info: this.info,
        logs: (ns, pod, o, onLine, onEnd) => this.logs(ns, pod, o, onLine, onEnd),
        podMetrics: (ns) => this.podMetrics(ns),
        nodeMetrics: () => this.nodeMetrics(),
        portForward: (o) => this.portForward(o),
        exec: (ns, pod, container, cmd, io) => this.pods.execStreams(ns, pod, container, cmd, io),
      },
      { onClose: opts.ownsEngine ? () => this.stop() : undefined },
    );
  }

  /** `kubectl port-forward` on this host (see PodAccess). */
  portForward(opts: Omit<ForwardOptions, 'api' | 'destinations'>): Promise<PortForward> {
    return this.pods.portForward(opts);
  }

  /** One connection to a pod's IP and port (the API server's pods/portforward). */
  dialPod(namespace: string, pod: string, port: number): Promise<net.Socket> {
    return this.pods.dialPod(namespace, pod, port);
  }

  /** Logs come from the kubelet of the node the pod runs on. */
  logs(namespace: string, pod: string, opts: LogOptions, onLine: (line: LogLine) => void, onEnd?: (err?: Error) => void): Subscription {
    return this.pods.logs(namespace, pod, opts, onLine, onEnd);
  }

  /** What the API server serves as metrics.k8s.io (kubectl top). */
  metricsSource(): MetricsSource {
    return this.pods.metricsSource();
  }

  podMetrics(namespace?: string): Promise<PodMetrics[]> {
    return this.pods.podMetrics(namespace);
  }

  nodeMetrics(): Promise<NodeMetrics[]> {
    return this.pods.nodeMetrics();
  }

  /** Resolves when the controllers' queues and the kubelets' pod work are empty and every write is on disk. */
  async whenIdle(): Promise<void> {
    await this.kubernetesService?.whenIdle();
    await this.controllers?.whenIdle();
    await Promise.all([...this.kubelets.values()].map((k) => k.whenIdle()));
    // Kubelet status writes wake controllers (ReplicaSet readiness): settle them once more.
    await this.controllers?.whenIdle();
    await this.opened?.persistence.idle();
  }

  /** Stops kubelets, node lifecycle, scheduler, controllers (reverse start order), then closes the store and releases the lock. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.state = 'stopping';
      const errors: unknown[] = [];
      for (const { part } of [...this.parts].reverse()) {
        try {
          await part.stop();
        } catch (e) {
          errors.push(e);
        }
      }
      this.parts.length = 0;
      for (const d of this.drivers.splice(0)) {
        try {
          await d.close();
        } catch (e) {
          errors.push(e);
        }
      }
      try {
        await this.opened?.close();
      } catch (e) {
        errors.push(e);
      }
      if (this.tempDataDir && this._dataDir) rmSync(this._dataDir, { recursive: true, force: true });
      this.state = 'stopped';
      if (errors.length) throw new Error(`engine stopped with errors: ${errors.map((e) => (e as Error).message).join('; ')}`, { cause: errors[0] });
    })();
    return this.stopping;
  }
}

function quantityNumber(q: string): number {
  return quantityToNumber(parseQuantity(q));
}

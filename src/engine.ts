// One embedded cluster: the state store, the Api door, the controllers, the
// scheduler, node lifecycle and N kubelets on one runtime, started in that
// order and stopped in reverse. This is the only module besides tests that
// opens state/; everything else sees the cluster through the Api (engine
// parts) or through ClusterClient (the UI, the folder sync).
import { Api } from './api/api.js';
import { isStatusError } from './api/errors.js';
import { parseQuantity, quantityToNumber } from './api/quantity.js';
import type { KubeObject } from './api/meta.js';
import type { ObjectStore } from './api/store-types.js';
import { EmbeddedClient } from './client/embedded.js';
import type { ClusterInfo, LogLine, LogOptions, NodeMetrics, PodMetrics, RuntimeName, Subscription } from './client/types.js';
import type { RuntimeDriver } from './kubelet/runtime/types.js';
import { defaultAdmissionPlugins, type AdmissionPlugin } from './api/admission/index.js';
import { createServiceAllocator, type ServiceAllocator } from './api/service-ip.js';
import { ApiServer, ensureServingCert, ensureToken, writeKubeconfig, type ExecFn, type LogsFn, type MetricsSource, type ServingCert } from './apiserver/index.js';
import { clusterAutoscalerFactory, type NodePool } from './controllers/cluster-autoscaler.js';
import { hpaControllerFactory } from './controllers/hpa.js';
import { CONTROLLER_FACTORIES, startControllers, type ControllerFactory, type RunningControllers } from './controllers/index.js';
import { pvControllerFactory } from './controllers/pv-controller.js';
import { rootCACertPublisherFactory } from './controllers/serviceaccount.js';
import { KUBERNETES_SERVICE, newKubernetesServiceController } from './controllers/kubernetes-service.js';
import type { Controller } from './controllers/controller.js';
import type { TokenSource } from './kubelet/volumes/index.js';
import { ServiceAccountTokens } from './api/auth/sa-token.js';
import { newEventTTLController } from './controllers/event-ttl.js';
import { registerEstablishedCrds } from './controllers/crd.js';
import { KindRegistry } from './api/kinds.js';
import { DestinationPolicy, forward, Network, podDnsConfig, type ForwardOptions, type NetworkConfig, type NetworkStatus, type PortForward } from './network/index.js';
import { ProcessDriver } from './kubelet/runtime/process/index.js';
import type { DockerDriver } from './kubelet/runtime/docker/index.js';
import { NodeLifecycleController } from './controllers/node-lifecycle.js';
import { Kubelet } from './kubelet/kubelet.js';
import { SimDriver } from './kubelet/runtime/sim/sim-driver.js';
import { Scheduler } from './scheduler/scheduler.js';
import { realClock, type Clock } from './util/clock.js';
import { SERVER_VERSION } from './version.js';
import { MemoryStore, openStore, type OpenedStore } from '../state/index.js';
import Docker from 'dockerode';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export type RuntimeChoice = 'auto' | 'docker' | 'process' | 'sim';

export interface NodeCapacity {
  /** Cores. */
  cpu?: number;
  /** Bytes. */
  memory?: number;
  pods?: number;
}

export interface EngineConfig {
  /** The state file; undefined: state/'s default ($XDG_STATE_HOME/kubeterm/state.json). Ignored when persist is false. */
  stateFile?: string;
  clock?: Clock;
  runtime: RuntimeChoice;
  nodes: number;
  nodeCapacity?: NodeCapacity;
  /** false: a memory-only store (tests, benchmarks). Default true. */
  persist?: boolean;
  /** How long Events are kept (kube-apiserver --event-ttl); default one hour. */
  eventTTLMs?: number;
  /** Where the Docker engine is asked; default DOCKER_HOST or /var/run/docker.sock. */
  docker?: DockerEndpoint;
  /** Services, DNS and ingress on this host (src/network). Default off (tests); the CLI turns it on. */
  network?: false | Omit<NetworkConfig, 'api' | 'clock'>;
  /** The Kubernetes-compatible HTTPS API for kubectl. Default off (tests); the CLI serves 127.0.0.1:6443. */
  apiServer?: false | { host?: string; port?: number };
  /** Simulated node pools the cluster autoscaler may grow and shrink (`--node-pool`). */
  nodePools?: NodePool[];
  /** Where volumes, provisioned PVs, the API certificate and kubeconfig live; default beside the state file. */
  dataDir?: string;
  /** hostPath volumes: extra folders pods may mount as they are (the watched folder, --allow-host-path), and what happens to others. */
  hostPath?: { allow?: string[]; mode?: 'remap' | 'refuse' };
}

/** Where kubectl can reach this engine, or why it cannot. */
export interface ApiServerStatus {
  url?: string;
  kubeconfig?: string;
  error?: string;
}

/** What a started part offers the engine for shutdown. */
interface Part {
  stop(): void | Promise<void>;
}

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const INSTANCE_CONFIGMAP = 'kubeterm-instance';

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

  constructor(config: EngineConfig) {
    if (!Number.isInteger(config.nodes) || config.nodes < 1) throw new Error(`nodes must be a positive whole number, got ${config.nodes}`);
    if (!['auto', 'docker', 'process', 'sim'].includes(config.runtime)) throw new Error(`unknown runtime "${config.runtime}"`);
    this.config = { persist: true, ...config };
    this.clock = config.clock ?? realClock;
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
    await this.ensureNamespaces(api);
    const instance = (this.instance = await this.ensureInstanceId(api));

    const { runtime, reason, newDriver } = await this.chooseRuntime(instance);
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
      serviceAccountTokens: this.tokenSource(),
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

  /**
   * Before the API is served: its serving certificate, valid for the
   * `kubernetes` Service's names and ClusterIP (pods verify it with the
   * kube-root-ca.crt it is published as), and the ServiceAccount token signer.
   * A failure is reported like the server's own and leaves both out.
   */
  private async prepareApiIdentity(dataDir: string): Promise<void> {
    try {
      this.servingCert = await ensureServingCert(dataDir, {
        dnsNames: [KUBERNETES_SERVICE, `${KUBERNETES_SERVICE}.default`, `${KUBERNETES_SERVICE}.default.svc`, `${KUBERNETES_SERVICE}.default.svc.cluster.local`],
        ips: [this.kubernetesIP],
      });
      // One signer for the engine: the kubelets' tokens and the API server's checks must share its key.
      const tokens = new ServiceAccountTokens({ dir: dataDir, now: () => this.clock.now() });
      await tokens.ready();
      this.saTokens = tokens;
    } catch (e) {
      this.servingCert = undefined;
      this.saTokens = undefined;
      this._apiServer = { error: `the API server did not start: ${(e as Error).message}` };
    }
  }

  /**
   * The kubelets' TokenRequest: a token for the pod's ServiceAccount, bound to
   * the pod, refused (in the API server's words) once either is gone.
   */
  private tokenSource(): TokenSource | undefined {
    const tokens = this.saTokens;
    if (!tokens) return undefined;
    return async (req) => {
      const sa = this.api.get('ServiceAccount', req.namespace, req.serviceAccountName);
      if (!sa) throw new Error(`serviceaccounts "${req.serviceAccountName}" not found`);
      const pod = this.api.get('Pod', req.namespace, req.pod.name);
      if (!pod) throw new Error(`pods "${req.pod.name}" not found`);
      if (pod.metadata.uid !== req.pod.uid) {
        throw new Error(`the UID in the bound object reference (${req.pod.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
      }
      return tokens.issue({
        namespace: req.namespace,
        serviceAccountName: req.serviceAccountName,
        serviceAccountUid: sa.metadata.uid ?? '',
        audiences: req.audiences,
        expirationSeconds: req.expirationSeconds,
        boundObject: { kind: 'Pod', name: req.pod.name, uid: req.pod.uid },
      });
    };
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
        logs: this.logsFn(),
        exec: this.execFn(),
        portForward: (ns, pod, port) => this.dialPod(ns, pod, port),
        metrics: this.metricsSource(),
      });
      const { url } = await server.start();
      this.parts.push({ name: 'api server', part: server });
      const kubeconfig = path.join(dataDir, 'kubeconfig');
      await writeKubeconfig(kubeconfig, { server: url, token, caData: cert.cert });
      this._apiServer = { url, kubeconfig };
      await this.startKubernetesService(cfg.host ?? '127.0.0.1', Number(new URL(url).port));
    } catch (e) {
      this._apiServer = { error: `the API server did not start: ${(e as Error).message}` };
    }
  }

  /**
   * The `kubernetes` Service in `default` at the first ClusterIP, port 443 →
   * the API server's port, and its endpoints at the address it listens on
   * (through the service proxy on kubeterm0, a container reaches it at
   * https://kubernetes.default.svc). Written once before returning, then kept.
   */
  private async startKubernetesService(host: string, port: number): Promise<void> {
    const ip = host === '0.0.0.0' || host === '::' || host === 'localhost' ? '127.0.0.1' : host;
    const c = newKubernetesServiceController({ api: this.api, clock: this.clock, clusterIP: this.kubernetesIP, endpoint: { ip, port } });
    await c.reconcileNow(`default/${KUBERNETES_SERVICE}`);
    c.start();
    this.kubernetesService = c;
    this.parts.push({ name: 'kubernetes service', part: c });
  }

  /** The API server's log reader over the kubelets. */
  private logsFn(): LogsFn {
    return (ns, pod, opts, onLine, signal) =>
      new Promise<void>((resolve, reject) => {
        const sub = this.logs(
          ns,
          pod,
          { container: opts.container, follow: opts.follow, previous: opts.previous, timestamps: opts.timestamps, tailLines: opts.tailLines, sinceSeconds: opts.sinceSeconds },
          (line) => onLine(opts.timestamps && line.time ? `${line.time} ${line.text}` : line.text),
          (err) => (err ? reject(err) : resolve()),
        );
        signal.addEventListener('abort', () => {
          sub.stop();
          resolve();
        });
      });
  }

  /** The API server's exec over the kubelet of the pod's node. */
  private execFn(): ExecFn {
    return (ns, pod, container, command, io) => this.execStreams(ns, pod, container, command, io);
  }

  /** An exec attached to streams (kubectl exec through the API server, the UI's shell): the kubelet of the pod's node runs it. */
  private async execStreams(ns: string, pod: string, container: string | undefined, command: string[], io: ExecStreamsIO): Promise<{ exitCode: number }> {
    const p = this.api.get('Pod', ns, pod);
    const kubelet = p?.spec?.nodeName ? this.kubelets.get(p.spec.nodeName) : undefined;
    const exec = (kubelet as unknown as { exec?: ExecLike } | undefined)?.exec;
    if (!kubelet || typeof exec !== 'function') throw new Error(`exec is not available for pod "${pod}" on this runtime`);
    return exec.call(kubelet, ns, pod, container, command, { stdin: io.stdin, stdout: io.stdout, stderr: io.stderr, tty: io.tty, size: io.size, onResize: io.onResize });
  }

  /** Runs a command in a pod's container through its node's kubelet (what `kubectl exec` does), collecting its output. */
  async exec(namespace: string, pod: string, container: string | undefined, command: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    const p = this.api.get('Pod', namespace, pod);
    const kubelet = p?.spec?.nodeName ? this.kubelets.get(p.spec.nodeName) : undefined;
    if (!kubelet) throw new Error(`pod "${pod}" is not running on a node of this engine`);
    return kubelet.exec(namespace, pod, container, command);
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

  /**
   * Picks the container runtime and says why (shown in the header and the
   * headless banner). Returns a driver factory: simulated nodes get one driver
   * each (each its own pod range 10.244.N.0/24); Docker nodes share the one
   * Docker engine's driver. Runtime modules load only when chosen.
   */
  private async chooseRuntime(instance: string): Promise<{ runtime: RuntimeName; reason: string; newDriver: (node: number) => RuntimeDriver }> {
    const want = this.config.runtime;
    const clock = this.clock;
    const resources = this.config.nodeCapacity;
    const sim = (reason: string) => ({
      runtime: 'simulated' as const,
      reason,
      newDriver: (i: number) => new SimDriver({ clock, podCidrIndex: i + 1, resources }),
    });
    if (want === 'sim') return sim('--runtime sim: pods are simulated, no containers run');
    if (want === 'process') {
      const driver = new ProcessDriver({ instance, resources, stateDir: path.join(this._dataDir ?? os.tmpdir(), 'process') });
      return { runtime: 'process', reason: '--runtime process: containers run as host processes (no isolation)', newDriver: () => driver };
    }
    const endpoint = this.config.docker ?? dockerEndpoint();
    const ping = await pingDocker(endpoint);
    if (!ping.ok) {
      if (want === 'docker') throw new Error(`--runtime docker: no Docker engine answered at ${endpoint.label} (${ping.error}); start Docker or use --runtime sim`);
      return sim(`SIMULATED: no Docker engine answered at ${endpoint.label} (${ping.error})`);
    }
    const { DockerDriver } = await import('./kubelet/runtime/docker/index.js');
    const docker = new DockerDriver({
      instance,
      docker: endpoint.socketPath ? new Docker({ socketPath: endpoint.socketPath }) : new Docker({ host: endpoint.host, port: endpoint.port }),
    });
    const how = want === 'docker' ? '--runtime docker' : 'Docker answered';
    return { runtime: 'docker', reason: `${how} at ${endpoint.label}`, newDriver: () => docker };
  }

  private async ensureNamespaces(api: Api): Promise<void> {
    for (const name of SYSTEM_NAMESPACES) {
      if (api.get('Namespace', '', name)) continue;
      await createIfAbsent(api, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }
  }

  /** A stable id for this state file, so kubelets re-adopt their own containers after a restart and no one else's. */
  private async ensureInstanceId(api: Api): Promise<string> {
    const cur = api.get('ConfigMap', 'kube-system', INSTANCE_CONFIGMAP);
    const id = (cur?.data as Record<string, string> | undefined)?.id;
    if (id) return id;
    const fresh = globalThis.crypto.randomUUID().slice(0, 8);
    await createIfAbsent(api, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: INSTANCE_CONFIGMAP, namespace: 'kube-system' },
      data: { id: fresh },
    });
    return (api.get('ConfigMap', 'kube-system', INSTANCE_CONFIGMAP)?.data as Record<string, string>).id;
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
        exec: (ns, pod, container, cmd, io) => this.execStreams(ns, pod, container, cmd, io),
      },
      { onClose: opts.ownsEngine ? () => this.stop() : undefined },
    );
  }

  /**
   * `kubectl port-forward` on this host (src/network/port-forward): it may dial
   * loopback, this machine's addresses and kubeterm's own Docker pod network.
   */
  async portForward(opts: Omit<ForwardOptions, 'api' | 'destinations'>): Promise<PortForward> {
    return forward({ ...opts, api: this.api, destinations: await this.forwardDestinations() });
  }

  /** Where a port-forward may connect: loopback, this machine's addresses, kubeterm's Docker pod networks. */
  private async forwardDestinations(): Promise<DestinationPolicy> {
    const network = this.config.network;
    const docker = this.info.runtime === 'docker' ? (this.drivers[0] as DockerDriver | undefined) : undefined;
    const allowedCIDRs = [...(network ? (network.allowedCIDRs ?? []) : []), ...(docker ? await docker.networkSubnets() : [])];
    return new DestinationPolicy({ allowedCIDRs });
  }

  /**
   * One connection to a pod's IP and port, under the same destination policy
   * as portForward: what the API server's pods/portforward dials for each
   * stream pair (the kubelet's part of `kubectl port-forward`).
   */
  async dialPod(namespace: string, pod: string, port: number): Promise<net.Socket> {
    const p = this.api.get('Pod', namespace, pod);
    const ip = p?.status?.podIP as string | undefined;
    if (!ip) throw new Error(`pod ${namespace}/${pod} has no IP address`);
    if (!(await this.forwardDestinations()).allows(ip)) throw new Error(`pod ${namespace}/${pod} has IP ${ip}, which is not on this machine; kubeterm never forwards off the host`);
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: ip, port });
      // Worded as the kubelet's Go dialer reports it (kubectl prints it after "error forwarding port").
      const failed = (e: NodeJS.ErrnoException) => reject(new Error(`dial tcp ${ip}:${port}: connect: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.message}`));
      socket.once('error', failed);
      socket.once('connect', () => {
        socket.off('error', failed);
        resolve(socket);
      });
    });
  }

  /** Logs come from the kubelet of the node the pod runs on. */
  logs(namespace: string, pod: string, opts: LogOptions, onLine: (line: LogLine) => void, onEnd?: (err?: Error) => void): Subscription {
    let stopped = false;
    const end = (e?: Error) => {
      if (!stopped) onEnd?.(e);
    };
    const p = this._api?.get('Pod', namespace, pod);
    if (!p) {
      queueMicrotask(() => end(new Error(`pods "${pod}" not found`)));
      return { stop: () => void (stopped = true) };
    }
    const node = p.spec?.nodeName as string | undefined;
    const kubelet = node ? this.kubelets.get(node) : undefined;
    if (!kubelet) {
      const why = node ? `node "${node}" is not served by this engine` : 'it is not scheduled to a node yet';
      queueMicrotask(() => end(new Error(`no logs for pod "${pod}": ${why}`)));
      return { stop: () => void (stopped = true) };
    }
    const container: string = opts.container ?? (p.spec?.containers?.length === 1 ? p.spec.containers[0].name : '');
    const abort = new AbortController();
    const { follow, tailLines, sinceSeconds, timestamps, previous } = opts;
    kubelet
      .logs(namespace, pod, opts.container, { follow, tailLines, sinceSeconds, timestamps, previous }, (c) => {
        if (!stopped) onLine({ pod, container, time: c.time, text: c.line });
      }, abort.signal)
      .then(
        () => end(),
        (e) => end(e instanceof Error ? e : new Error(String(e))),
      );
    return {
      stop: () => {
        stopped = true;
        abort.abort();
      },
    };
  }

  /** What the API server serves as metrics.k8s.io (kubectl top): this engine's pod and node usage. */
  metricsSource(): MetricsSource {
    return { pods: (ns) => this.podMetrics(ns), nodes: () => this.nodeMetrics() };
  }

  /** metrics.k8s.io-style usage of running pods, from their kubelets' runtime stats. */
  async podMetrics(namespace?: string): Promise<PodMetrics[]> {
    const timestamp = new Date(this.clock.now()).toISOString();
    const out: PodMetrics[] = [];
    const pods = this.api.list('Pod', { namespace: namespace || undefined, filter: (p) => !!p.spec?.nodeName }).items;
    for (const p of pods) {
      const k = this.kubelets.get(p.spec.nodeName);
      const s = k && (await k.podStats(p.metadata.uid ?? ''));
      if (!s) continue;
      out.push({ namespace: p.metadata.namespace ?? '', name: p.metadata.name ?? '', cpu: s.cpu, memory: s.memory, containers: s.containers, timestamp });
    }
    return out;
  }

  /** Node usage as the sum of its pods' usage (the embedded runtime has no separate system overhead to report). */
  async nodeMetrics(): Promise<NodeMetrics[]> {
    const timestamp = new Date(this.clock.now()).toISOString();
    const pods = await this.podMetrics();
    const byNode = new Map<string, NodeMetrics>();
    for (const name of this.kubelets.keys()) byNode.set(name, { name, cpu: 0, memory: 0, timestamp });
    for (const m of pods) {
      const node = this.api.get('Pod', m.namespace, m.name)?.spec?.nodeName;
      const n = node && byNode.get(node);
      if (!n) continue;
      n.cpu += m.cpu;
      n.memory += m.memory;
    }
    return [...byNode.values()];
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

type ExecLike = (ns: string, pod: string, container: string | undefined, cmd: string[], streams: Record<string, unknown>) => Promise<{ exitCode: number }>;
type ExecStreamsIO = {
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  tty: boolean;
  size?: { width: number; height: number };
  onResize?(handler: (size: { width: number; height: number }) => void): void;
};

/** The Service allocator as an admission plugin: fills in (or refuses) ClusterIPs and node ports. */
function serviceAllocation(allocator: ServiceAllocator): AdmissionPlugin {
  return {
    name: allocator.name,
    admit(attrs) {
      if (attrs.object.kind !== 'Service') return;
      const out = allocator.admit(attrs.object, attrs.oldObject, { dryRun: attrs.dryRun });
      attrs.object.spec = out.spec;
    },
  };
}

function quantityNumber(q: string): number {
  return quantityToNumber(parseQuantity(q));
}

async function createIfAbsent(api: Api, obj: KubeObject): Promise<void> {
  try {
    await api.create(obj);
  } catch (e) {
    if (!isStatusError(e, 'AlreadyExists')) throw e;
  }
}

// ---- Docker detection --------------------------------------------------------

export interface DockerEndpoint {
  socketPath?: string;
  host?: string;
  port?: number;
  /** How the endpoint is named in messages. */
  label: string;
}

/**
 * DOCKER_HOST when it names a unix socket or a loopback TCP address, else the
 * default socket. kubeterm never contacts a Docker engine on another machine.
 */
export function dockerEndpoint(env: NodeJS.ProcessEnv = process.env): DockerEndpoint {
  const h = env.DOCKER_HOST;
  if (h?.startsWith('unix://')) return { socketPath: h.slice('unix://'.length), label: h.slice('unix://'.length) };
  const m = h?.match(/^tcp:\/\/(127\.\d+\.\d+\.\d+|localhost):(\d+)$/);
  if (m) return { host: m[1], port: Number(m[2]), label: h! };
  return { socketPath: '/var/run/docker.sock', label: '/var/run/docker.sock' };
}

/** Asks the Docker engine for `/_ping` with a short timeout. */
export async function pingDocker(ep: DockerEndpoint, timeoutMs = 2000): Promise<{ ok: true } | { ok: false; error: string }> {
  try {
    const d = ep.socketPath ? new Docker({ socketPath: ep.socketPath, timeout: timeoutMs }) : new Docker({ host: ep.host, port: ep.port, timeout: timeoutMs });
    await d.ping();
    return { ok: true };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { ok: false, error: err.code ?? err.message };
  }
}

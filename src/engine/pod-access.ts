// Reaching into running pods: logs, exec, port dialing and usage metrics all
// go to the kubelet of the node the pod runs on. The engine owns the kubelets;
// this routes each request to the right one and words the failures as the
// kubelet and API server do. Used by the API server (kubectl logs/exec/
// port-forward/top) and by the embedded client (the UI).
import net from 'node:net';
import type { Api } from '../api/api.js';
import type { ExecFn, LogsFn, MetricsSource } from '../apiserver/index.js';
import type { EngineExecIO } from '../client/embedded.js';
import type { LogLine, LogOptions, NodeMetrics, PodMetrics, Subscription } from '../client/types.js';
import type { Kubelet } from '../kubelet/kubelet.js';
import type { DockerDriver } from '../kubelet/runtime/docker/index.js';
import { DestinationPolicy, forward, type ForwardOptions, type PortForward } from '../network/index.js';
import type { Clock } from '../util/clock.js';

type ExecLike = (ns: string, pod: string, container: string | undefined, cmd: string[], streams: Record<string, unknown>) => Promise<{ exitCode: number }>;

export interface PodAccessDeps {
  api: () => Api | undefined;
  clock: Clock;
  kubelets: ReadonlyMap<string, Kubelet>;
  /** CIDRs port-forwards may reach besides loopback and this host (the network config's). */
  allowedCIDRs: () => readonly string[];
  /** The Docker driver when pods run on Docker: its bridge networks are reachable too. */
  docker: () => DockerDriver | undefined;
}

export class PodAccess {
  constructor(private readonly deps: PodAccessDeps) {}

  private get api(): Api {
    const api = this.deps.api();
    if (!api) throw new Error('the engine is not started');
    return api;
  }

  private kubeletOf(ns: string, pod: string): Kubelet | undefined {
    const node = this.api.get('Pod', ns, pod)?.spec?.nodeName as string | undefined;
    return node ? this.deps.kubelets.get(node) : undefined;
  }

  /** The API server's log reader over the kubelets. */
  logsFn(): LogsFn {
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
  execFn(): ExecFn {
    return (ns, pod, container, command, io) => this.execStreams(ns, pod, container, command, io);
  }

  /** An exec attached to streams (kubectl exec through the API server, the UI's shell): the kubelet of the pod's node runs it. */
  async execStreams(ns: string, pod: string, container: string | undefined, command: string[], io: EngineExecIO): Promise<{ exitCode: number }> {
    const kubelet = this.kubeletOf(ns, pod);
    const exec = (kubelet as unknown as { exec?: ExecLike } | undefined)?.exec;
    if (!kubelet || typeof exec !== 'function') throw new Error(`exec is not available for pod "${pod}" on this runtime`);
    return exec.call(kubelet, ns, pod, container, command, { stdin: io.stdin, stdout: io.stdout, stderr: io.stderr, tty: io.tty, size: io.size, onResize: io.onResize });
  }

  /** Runs a command in a pod's container through its node's kubelet (what `kubectl exec` does), collecting its output. */
  async exec(namespace: string, pod: string, container: string | undefined, command: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    const kubelet = this.kubeletOf(namespace, pod);
    if (!kubelet) throw new Error(`pod "${pod}" is not running on a node of this engine`);
    return kubelet.exec(namespace, pod, container, command);
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
    const docker = this.deps.docker();
    const allowedCIDRs = [...this.deps.allowedCIDRs(), ...(docker ? await docker.networkSubnets() : [])];
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
    const p = this.deps.api()?.get('Pod', namespace, pod);
    if (!p) {
      queueMicrotask(() => end(new Error(`pods "${pod}" not found`)));
      return { stop: () => void (stopped = true) };
    }
    const node = p.spec?.nodeName as string | undefined;
    const kubelet = node ? this.deps.kubelets.get(node) : undefined;
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
    const timestamp = new Date(this.deps.clock.now()).toISOString();
    const out: PodMetrics[] = [];
    const pods = this.api.list('Pod', { namespace: namespace || undefined, filter: (p) => !!p.spec?.nodeName }).items;
    for (const p of pods) {
      const k = this.deps.kubelets.get(p.spec.nodeName ?? '');
      const s = k && (await k.podStats(p.metadata.uid ?? ''));
      if (!s) continue;
      out.push({ namespace: p.metadata.namespace ?? '', name: p.metadata.name ?? '', cpu: s.cpu, memory: s.memory, containers: s.containers, timestamp });
    }
    return out;
  }

  /** Node usage as the sum of its pods' usage (the embedded runtime has no separate system overhead to report). */
  async nodeMetrics(): Promise<NodeMetrics[]> {
    const timestamp = new Date(this.deps.clock.now()).toISOString();
    const pods = await this.podMetrics();
    const byNode = new Map<string, NodeMetrics>();
    for (const name of this.deps.kubelets.keys()) byNode.set(name, { name, cpu: 0, memory: 0, timestamp });
    for (const m of pods) {
      const node = this.api.get('Pod', m.namespace, m.name)?.spec?.nodeName;
      const n = node && byNode.get(node);
      if (!n) continue;
      n.cpu += m.cpu;
      n.memory += m.memory;
    }
    return [...byNode.values()];
  }
}

// The engine's network part in one object: the service interface (kubeterm0,
// or the loopback fallback), the service proxy, cluster DNS, the ingress
// router and the NetworkPolicy notice, started in that order and stopped in
// reverse. A part that cannot start (a port taken) is reported in status()
// and does not stop the others. ClusterIP/NodePort allocation is not here: it
// is an Api admission step (src/api/service-ip.ts), and the endpoints
// controller runs with the other controllers.
import type { Api } from '../api/api.js';
import { parseCIDR, nthIP } from '../api/service-ip.js';
import { realClock, type Clock } from '../util/clock.js';
import { ClusterDNS } from './dns.js';
import { IngressController } from './ingress.js';
import { ServiceInterface, type ServiceInterfaceOptions } from './interface.js';
import { DestinationPolicy } from './locality.js';
import { NetworkPolicyNotice } from './network-policy.js';
import { ServiceProxy, type ProxyMapping } from './service-proxy.js';

export interface NetworkConfig {
  api: Api;
  clock?: Clock;
  /** Default 10.96.0.0/16 (must match the allocator's). */
  serviceCIDR?: string;
  /** Where NodePort/LoadBalancer ports and the ingress listen (default 127.0.0.1; `--node-address`). */
  nodeAddress?: string;
  /** false: loopback fallback without trying kubeterm0. Default: try it. */
  serviceInterface?: boolean | Omit<ServiceInterfaceOptions, 'serviceCIDR'>;
  /** Networks kubeterm created that pods live on (its Docker bridge subnet), besides local addresses. */
  allowedCIDRs?: string[];
  /** false disables; ports default 8080/8443. */
  ingress?: false | { httpPort?: number; httpsPort?: number | null };
  /** false disables; default: the DNS service IP :53 with kubeterm0, else 127.0.0.1 on a free port. */
  dns?: false | { address?: string; port?: number; upstream?: { address: string; port?: number } };
}

export interface NetworkStatus {
  mode: 'interface' | 'fallback';
  /** Why the loopback fallback is in use ('' with kubeterm0). */
  reason: string;
  interfaceName: string;
  mappings: ProxyMapping[];
  dns?: { address: string; port: number; nameserver: string };
  ingress?: { address: string; http: number; https: number };
  /** Parts that failed to start, with why. */
  errors: string[];
}

export class Network {
  readonly iface: ServiceInterface;
  private proxy?: ServiceProxy;
  private dnsServer?: ClusterDNS;
  private ingress?: IngressController;
  private notice?: NetworkPolicyNotice;
  private readonly errors: string[] = [];
  private readonly destinations: DestinationPolicy;

  constructor(private readonly cfg: NetworkConfig) {
    const ifaceOpts = typeof cfg.serviceInterface === 'object' ? cfg.serviceInterface : {};
    this.iface = new ServiceInterface({ ...ifaceOpts, serviceCIDR: cfg.serviceCIDR, forceFallback: cfg.serviceInterface === false || ifaceOpts.forceFallback });
    this.destinations = new DestinationPolicy({ allowedCIDRs: cfg.allowedCIDRs });
  }

  async start(): Promise<void> {
    const { api } = this.cfg;
    const clock = this.cfg.clock ?? realClock;
    const host = this.cfg.nodeAddress ?? '127.0.0.1';
    await this.iface.ensure();
    this.proxy = new ServiceProxy({
      api,
      clock,
      hostAddress: host,
      bindAddress: this.iface.bindAddress,
      releaseAddress: this.iface.releaseAddress,
      fallbackReason: this.iface.reason || undefined,
      destinations: this.destinations,
    });
    this.proxy.start();
    if (this.cfg.dns !== false) {
      const d = this.cfg.dns ?? {};
      const dnsIP = nthIP(parseCIDR(this.cfg.serviceCIDR ?? '10.96.0.0/16'), 10);
      const onIface = !d.address && this.iface.mode === 'interface' && (await this.iface.addAddress(dnsIP));
      const address = d.address ?? (onIface ? dnsIP : '127.0.0.1');
      await this.attempt('dns', async () => {
        const s = new ClusterDNS({ api, address, port: d.port ?? (onIface ? 53 : 0), upstream: d.upstream, destinations: this.destinations });
        await s.start();
        this.dnsServer = s;
      });
    }
    if (this.cfg.ingress !== false) {
      const i = this.cfg.ingress ?? {};
      await this.attempt('ingress', async () => {
        const c = new IngressController({ api, clock, address: host, httpPort: i.httpPort, httpsPort: i.httpsPort, destinations: this.destinations });
        await c.start();
        this.ingress = c;
      });
    }
    this.notice = new NetworkPolicyNotice({ api });
    this.notice.start();
  }

  private async attempt(name: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.errors.push(`${name}: ${(e as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    await this.notice?.stop();
    await this.ingress?.stop();
    await this.dnsServer?.stop();
    await this.proxy?.stop();
    await this.iface.cleanup();
  }

  /** Waits until the proxy has applied every Service change seen so far (tests). */
  async whenSynced(): Promise<void> {
    await this.proxy?.whenSynced();
    await this.ingress?.whenSynced();
    await this.notice?.whenIdle();
  }

  status(): NetworkStatus {
    return {
      mode: this.iface.mode,
      reason: this.iface.reason,
      interfaceName: this.iface.name,
      mappings: this.proxy?.mappings() ?? [],
      ...(this.dnsServer ? { dns: { address: this.dnsServer.address, port: this.dnsServer.ports.udp, nameserver: this.dnsServer.address } } : {}),
      ...(this.ingress ? { ingress: { address: this.cfg.nodeAddress ?? '127.0.0.1', http: this.ingress.ports.http, https: this.ingress.ports.https } } : {}),
      errors: [...this.errors],
    };
  }
}

export { ServiceProxy, HOST_PORT_ANNOTATION, type ProxyMapping, type ServiceProxyOptions } from './service-proxy.js';
export { IngressController, INGRESS_CLASS, type IngressControllerOptions } from './ingress.js';
export { ClusterDNS, podDnsConfig, resolvConf, type ClusterDNSOptions, type PodDNSConfig } from './dns.js';
export { ServiceInterface, ensureServiceInterface, type ServiceInterfaceOptions } from './interface.js';
export { forward, type ForwardOptions, type PortForward } from './port-forward.js';
export { NetworkPolicyNotice } from './network-policy.js';
export { DestinationPolicy, LocalAddresses, isLoopback } from './locality.js';

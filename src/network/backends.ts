// From a Service port to the pod addresses behind it, read from the Service's
// Endpoints (kept by the endpoints controller), and the round-robin /
// ClientIP-affinity choice among them that kube-proxy's userspace
// LoadBalancerRR makes. Shared by the service proxy, the ingress router and
// port-forward.
import type { Api } from '../api/api.js';
import type { Service, ServicePort } from '../api/types/service.js';
import type { Clock } from '../util/clock.js';

export interface Backend {
  ip: string;
  port: number;
  /** The pod behind the address, when the Endpoints name it. */
  pod?: string;
}

/** Ready addresses (ip:port) serving the Service port `sp` (matched by port name and protocol, as kube-proxy does). */
export function readyBackends(api: Api, namespace: string, service: string, sp: Pick<ServicePort, 'name' | 'protocol'>): Backend[] {
  const ep = api.get('Endpoints', namespace, service);
  const out: Backend[] = [];
  const want = sp.name ?? '';
  const proto = sp.protocol ?? 'TCP';
  for (const s of ep?.subsets ?? []) {
    const port = (s.ports ?? []).find((p) => (p.name ?? '') === want && (p.protocol ?? 'TCP') === proto);
    if (!port) continue;
    for (const a of s.addresses ?? []) out.push({ ip: a.ip, port: port.port, ...(a.targetRef?.name ? { pod: a.targetRef.name } : {}) });
  }
  return out;
}

/** The Service port named by number or name (as Ingress backends and port-forward name it). */
export function findServicePort(svc: Service, port: { number?: number; name?: string }): ServicePort | undefined {
  const ports = svc.spec?.ports ?? [];
  if (port.name) return ports.find((p) => p.name === port.name);
  if (port.number !== undefined) return ports.find((p) => p.port === port.number);
  return ports.length === 1 ? ports[0] : undefined;
}

const backendKey = (b: Backend) => `${b.ip}:${b.port}`;

interface Affinity {
  backend: string;
  lastUsed: number;
}

/**
 * Round robin per service port, with optional ClientIP stickiness: a client
 * keeps its backend while it stays ready and has been used within the timeout.
 */
export class Balancer {
  private readonly next = new Map<string, number>();
  private readonly affinity = new Map<string, Map<string, Affinity>>();

  constructor(private readonly clock: Clock) {}

  /**
   * The backends to try for one connection, best first: the sticky one (if
   * any) or the next in turn, then the rest in order (used when a connection
   * is refused).
   */
  order(service: string, backends: Backend[], client?: { ip: string; timeoutSeconds?: number }): Backend[] {
    if (!backends.length) return [];
    let start: number | undefined;
    if (client) {
      const a = this.affinity.get(service)?.get(client.ip);
      const fresh = a && this.clock.now() - a.lastUsed <= (client.timeoutSeconds ?? 10800) * 1000;
      if (a && fresh) {
        const i = backends.findIndex((b) => backendKey(b) === a.backend);
        if (i >= 0) start = i;
      }
    }
    if (start === undefined) {
      const n = this.next.get(service) ?? 0;
      start = n % backends.length;
      this.next.set(service, (start + 1) % backends.length);
    }
    return [...backends.slice(start), ...backends.slice(0, start)];
  }

  /** Records the backend a client ended up on (for ClientIP affinity). */
  used(service: string, clientIP: string, b: Backend): void {
    let m = this.affinity.get(service);
    if (!m) this.affinity.set(service, (m = new Map()));
    m.set(clientIP, { backend: backendKey(b), lastUsed: this.clock.now() });
  }

  forget(service: string): void {
    this.next.delete(service);
    this.affinity.delete(service);
  }
}

// Port-forward in the UI, the pure parts: which ports a pod or Service offers
// (k9s' `container::port` spec), what the dialog proposes (local port = the
// container port, as k9s does), parsing what the user typed, and the
// `PortForward` rows of the `:pf` view as objects the table machinery renders.
import type { KubeObject } from '../../src/api/meta.js';
import type { PortForwardEntry } from '../../src/client/port-forwards.js';

/** The kind name the `:pf` table uses; not a Kubernetes kind, never sent to the cluster. */
export const PORT_FORWARD_KIND = 'PortForward';

export interface PortChoice {
  /** Container name (pods) or the Service's port name. */
  container?: string;
  port: number;
  name?: string;
}

/** TCP container ports of a pod, in spec order (k9s offers only TCP). */
export function podPorts(pod: KubeObject): PortChoice[] {
  const out: PortChoice[] = [];
  for (const c of (pod.spec?.containers ?? []) as { name: string; ports?: { name?: string; containerPort: number; protocol?: string }[] }[]) {
    for (const p of c.ports ?? []) {
      if ((p.protocol ?? 'TCP') !== 'TCP') continue;
      out.push({ container: c.name, port: p.containerPort, ...(p.name ? { name: p.name } : {}) });
    }
  }
  return out;
}

/** TCP ports of a Service. */
export function servicePorts(svc: KubeObject): PortChoice[] {
  return ((svc.spec?.ports ?? []) as { name?: string; port: number; protocol?: string }[])
    .filter((p) => (p.protocol ?? 'TCP') === 'TCP')
    .map((p) => ({ port: p.port, ...(p.name ? { name: p.name } : {}) }));
}

/** `nginx::80` for a container port, `80` for a Service port. */
export function portSpec(c: PortChoice): string {
  return c.container ? `${c.container}::${c.port}` : String(c.port);
}

/** The port number in a spec (`nginx::80` → `80`), or '' when it has none; the dialog's local port follows it. */
export function specPort(spec: string): string {
  const p = spec.includes('::') ? spec.slice(spec.lastIndexOf('::') + 2) : spec;
  return /^\d+$/.test(p.trim()) ? p.trim() : '';
}

export type ParsedForward = { ok: true; container?: string; remotePort: number | string; localPort: number; address: string } | { ok: false; error: string };

/**
 * What the dialog's three fields ask for. The remote port may be a container
 * port name (`web::http`); the local port must be a number (0 = any free port).
 */
export function parseForward(spec: string, local: string, address: string): ParsedForward {
  const s = spec.trim();
  if (!s) return { ok: false, error: 'container to local port mismatch: no container port given' };
  let container: string | undefined;
  let remote = s;
  if (s.includes('::')) {
    container = s.slice(0, s.lastIndexOf('::')) || undefined;
    remote = s.slice(s.lastIndexOf('::') + 2);
  }
  if (!remote) return { ok: false, error: `no port in "${s}"` };
  const isNum = /^\d+$/.test(remote);
  if (isNum && (Number(remote) < 1 || Number(remote) > 65535)) return { ok: false, error: `container port ${remote} is not in 1-65535` };
  if (!isNum && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(remote)) return { ok: false, error: `"${remote}" is neither a port number nor a port name` };
  const l = local.trim();
  if (!/^\d+$/.test(l) || Number(l) > 65535) return { ok: false, error: `local port must be a number 0-65535, got "${local}"` };
  const addr = address.trim() || '127.0.0.1';
  return { ok: true, ...(container ? { container } : {}), remotePort: isNum ? Number(remote) : remote, localPort: Number(l), address: addr };
}

/** The `:pf` rows: one object per forward (uid = the registry id, name = the pod). */
export function portForwardObjects(entries: readonly PortForwardEntry[]): KubeObject[] {
  return entries.map((e) => ({
    apiVersion: 'kubeterm.io/v1',
    kind: PORT_FORWARD_KIND,
    metadata: { name: e.pod, namespace: e.namespace, uid: e.id, creationTimestamp: new Date(e.startedAt).toISOString() },
    spec: {
      target: `${e.kind.toLowerCase()}/${e.name}`,
      ...(e.container ? { container: e.container } : {}),
      address: e.address,
      localPort: e.localPort,
      remotePort: e.remotePort,
    },
    status: { phase: e.status, url: e.url, ...(e.message ? { message: e.message } : {}) },
  }));
}

/** `default/web::nginx 8080->80`, as k9s names a forward in its delete prompt. */
export function forwardLabel(e: Pick<PortForwardEntry, 'namespace' | 'pod' | 'container' | 'localPort' | 'remotePort'>): string {
  return `${e.namespace}/${e.pod}${e.container ? `::${e.container}` : ''} ${e.localPort}->${e.remotePort}`;
}

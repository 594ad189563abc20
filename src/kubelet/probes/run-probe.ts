// One probe attempt, as the kubelet's prober makes it, with its output wording:
//  - exec: the command in the container; exit code 0 is success.
//  - httpGet: GET scheme://host:port/path, success on 200–399 (redirects are
//    not followed; a 3xx counts as success, as the kubelet's "Probe terminated
//    redirects" warning does). Host defaults to the pod IP; HTTPS skips
//    certificate checks, as the kubelet does.
//  - tcpSocket: a TCP connect.
//  - grpc: approximated by a TCP connect to the port (kubeterm has no gRPC
//    client); the output says so.
// Network rule: a probe only ever targets the pod IP or loopback. Any other
// host is refused without a connection attempt.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Container, IntOrString, Probe } from '../../api/types/pod.js';
import type { ExecResult } from '../runtime/types.js';

export type ProbeOutcome = 'success' | 'failure';

export interface ProbeResult {
  result: ProbeOutcome;
  output: string;
}

export interface ProbeTarget {
  /** The pod's IP (on the kubeterm bridge, or 127.0.0.1 for the process runtime). */
  podIP: string;
  /** Runs a command in the container (exec probes). */
  exec?(cmd: string[], timeoutMs: number): Promise<ExecResult>;
  /** Defaults to the probe's timeoutSeconds (default 1s). */
  timeoutMs?: number;
  /** For named ports (`port: http`). */
  container?: Pick<Container, 'ports'>;
  /** Kubernetes version in the User-Agent (`kube-probe/<v>`). */
  kubeVersion?: string;
}

const MAX_BODY = 10 * 1024;

export async function runProbe(probe: Probe, target: ProbeTarget): Promise<ProbeResult> {
  const timeoutMs = target.timeoutMs ?? (probe.timeoutSeconds ?? 1) * 1000;
  try {
    if (probe.exec) return await execProbe(probe.exec.command ?? [], target, timeoutMs);
    if (probe.httpGet) {
      const port = resolvePort(probe.httpGet.port, target.container);
      if (typeof port === 'string') return fail(port);
      const host = probe.httpGet.host || target.podIP;
      const refused = disallowed(host, target.podIP);
      if (refused) return fail(refused);
      return await httpProbe(probe.httpGet.scheme ?? 'HTTP', host, port, probe.httpGet.path ?? '/', probe.httpGet.httpHeaders ?? [], timeoutMs, target.kubeVersion);
    }
    if (probe.tcpSocket) {
      const port = resolvePort(probe.tcpSocket.port, target.container);
      if (typeof port === 'string') return fail(port);
      const host = probe.tcpSocket.host || target.podIP;
      const refused = disallowed(host, target.podIP);
      if (refused) return fail(refused);
      return await tcpProbe(host, port, timeoutMs);
    }
    if (probe.grpc) {
      const refused = disallowed(target.podIP, target.podIP);
      if (refused) return fail(refused);
      const r = await tcpProbe(target.podIP, probe.grpc.port, timeoutMs);
      return r.result === 'success' ? { result: 'success', output: 'grpc probe approximated by a TCP connect (kubeterm has no gRPC health client)' } : r;
    }
    return fail('probe has no handler: set exec, httpGet, tcpSocket or grpc');
  } catch (e) {
    return fail((e as Error).message);
  }
}

function fail(output: string): ProbeResult {
  return { result: 'failure', output };
}

/** A port number, a numeric string, or a named container port; a message when it cannot be found. */
export function resolvePort(port: IntOrString, container?: Pick<Container, 'ports'>): number | string {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const found = container?.ports?.find((p) => p.name === port);
  return found ? found.containerPort : `couldn't find port: ${port}`;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function disallowed(host: string, podIP: string): string | undefined {
  if (host === podIP || isLoopback(host)) return undefined;
  return `probe host ${JSON.stringify(host)} refused: kubeterm probes only target the pod IP (${podIP || 'unknown'}) or loopback`;
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Go's net error wording for a failed dial, e.g. `dial tcp 10.0.0.5:80: connect: connection refused`. */
function dialError(host: string, port: number, e: NodeJS.ErrnoException): string {
  const what: Record<string, string> = {
    ECONNREFUSED: 'connect: connection refused',
    EHOSTUNREACH: 'connect: no route to host',
    ENETUNREACH: 'connect: network is unreachable',
    ECONNRESET: 'read: connection reset by peer',
    ETIMEDOUT: 'i/o timeout',
  };
  return `dial tcp ${hostPort(host, port)}: ${what[e.code ?? ''] ?? e.message}`;
}

async function execProbe(cmd: string[], target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  if (!target.exec) return fail('exec probes are not supported by this runtime');
  const shown = JSON.stringify(cmd.join(' '));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((res) => {
    timer = setTimeout(() => res('timeout'), timeoutMs);
    timer.unref?.();
  });
  try {
    const r = await Promise.race([target.exec(cmd, timeoutMs), timeout]);
    if (r === 'timeout') return fail(`command ${shown} timed out`);
    const output = r.stdout + r.stderr;
    return r.exitCode === 0 ? { result: 'success', output } : { result: 'failure', output: output || `command ${shown} exited with ${r.exitCode}` };
  } catch (e) {
    const msg = (e as Error).message;
    return fail(/timed out/.test(msg) ? `command ${shown} timed out` : msg);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

function httpProbe(
  scheme: 'HTTP' | 'HTTPS',
  host: string,
  port: number,
  rawPath: string,
  headers: { name: string; value: string }[],
  timeoutMs: number,
  kubeVersion = '1.31',
): Promise<ProbeResult> {
  const path = rawPath.startsWith('/') ? rawPath : `/${rawPath}`;
  const url = `${scheme.toLowerCase()}://${hostPort(host, port)}${path}`;
  const hdrs: Record<string, string> = { 'User-Agent': `kube-probe/${kubeVersion}`, Accept: '*/*' };
  for (const h of headers) hdrs[h.name] = h.value;
  const mod = scheme === 'HTTPS' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = mod.request(
      { host, port, path, method: 'GET', headers: hdrs, rejectUnauthorized: false, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (d: Buffer) => {
          if (size < MAX_BODY) chunks.push(d);
          size += d.length;
        });
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          const body = Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8');
          if (code >= 200 && code < 400) done({ result: 'success', output: code >= 300 ? `Probe terminated redirects, Response body: ${body}` : body });
          else done(fail(`HTTP probe failed with statuscode: ${code}`));
        });
        res.on('error', (e) => done(fail(`Get ${JSON.stringify(url)}: ${e.message}`)));
      },
    );
    const timer = setTimeout(() => {
      done(fail(`Get ${JSON.stringify(url)}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)`));
      req.destroy();
    }, timeoutMs);
    timer.unref?.();
    req.on('error', (e: NodeJS.ErrnoException) => done(fail(`Get ${JSON.stringify(url)}: ${dialError(host, port, e)}`)));
    req.end();
  });
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const timer = setTimeout(() => {
      sock.destroy();
      resolve(fail(`dial tcp ${hostPort(host, port)}: i/o timeout`));
    }, timeoutMs);
    timer.unref?.();
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ result: 'success', output: '' });
    });
    sock.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(fail(dialError(host, port, e)));
    });
  });
}

// Shared by the Docker network tests: one whole engine on the Docker runtime
// with the network on and a private service range per test file (files run in
// parallel, and each range is its own set of addresses on kubeterm0), plain
// HTTP requests from the host that never reuse a connection (so each request
// is a fresh trip through the proxy's endpoint choice), and a bounded wait.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../src/api/meta.js';
import { Engine } from '../../src/engine.js';
export { get, type Reply } from '../helpers/http.js';
export { until } from '../helpers/wait.js';
import { until } from '../helpers/wait.js';

export interface DockerCluster {
  engine: Engine;
  /** Runs a shell command in a pod's container; stdout (stderr appended), never throws on a non-zero exit. */
  sh(pod: string, cmd: string, container?: string): Promise<string>;
  /** The ready addresses (pod IPs) of a Service's Endpoints. */
  readyIPs(service: string): string[];
  /** Deletes what the test made, waits for its pods to go, stops the engine. */
  close(made: [kind: string, name: string][]): Promise<void>;
}

export async function startDockerCluster(serviceCIDR: string, ingress: { httpPort: number; httpsPort: number | null } = { httpPort: 0, httpsPort: null }): Promise<DockerCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeterm-netdocker-'));
  const engine = new Engine({ persist: false, runtime: 'docker', nodes: 1, dataDir: dir, network: { serviceCIDR, ingress } });
  await engine.start();
  return {
    engine,
    async sh(pod, cmd, container) {
      const r = await engine.exec('default', pod, container, ['sh', '-c', cmd]);
      return r.stdout + r.stderr;
    },
    readyIPs(service) {
      const subsets = engine.api.get('Endpoints', 'default', service)?.subsets ?? [];
      return subsets.flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();
    },
    async close(made) {
      // kubeterm leaves containers running across restarts on purpose; a test removes what it made. The
      // owners go first with their pods orphaned, then the pods with a 1 s grace period: the httpd stand-in
      // runs as PID 1 and ignores SIGTERM, so a pod's default 30 s would be spent in full.
      for (const [kind, name] of made) await engine.api.delete(kind, 'default', name, { propagationPolicy: 'Orphan' }).catch(() => undefined);
      for (const rs of engine.api.list('ReplicaSet', { namespace: 'default' }).items) {
        await engine.api.delete('ReplicaSet', 'default', rs.metadata.name!, { propagationPolicy: 'Orphan' }).catch(() => undefined);
      }
      await until('the ReplicaSets to be gone', () => engine.api.list('ReplicaSet', { namespace: 'default' }).items.length === 0, 10_000).catch(() => undefined);
      for (const p of engine.api.list('Pod', { namespace: 'default' }).items) {
        await engine.api.delete('Pod', 'default', p.metadata.name!, { gracePeriodSeconds: 1 }).catch(() => undefined);
      }
      await until('the pods to be gone', () => engine.api.list('Pod', { namespace: 'default' }).items.length === 0, 60_000).catch(() => undefined);
      await engine.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One busybox container `name` (IfNotPresent, so nothing is pulled) stopped within 1 s; `rest` is its command, ports, probes. */
function busyboxPodSpec(name: string, rest: Record<string, unknown>): Record<string, unknown> {
  return { terminationGracePeriodSeconds: 1, containers: [{ name, image: 'kubeterm/busybox:latest', imagePullPolicy: 'IfNotPresent', ...rest }] };
}

/**
 * A 3-replica Deployment of busybox httpd containers (1 s grace period,
 * IfNotPresent) labelled app=`name`; `httpd` gives the container's command,
 * ports and readiness probe.
 */
export function httpdDeployment(name: string, httpd: { command: string[]; ports: Record<string, unknown>[]; readinessProbe: Record<string, unknown> }): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: busyboxPodSpec('httpd', httpd),
      },
    },
  };
}

/** A busybox pod that idles until told to stop (the "another pod" requests are made from). */
export function clientPod(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: busyboxPodSpec('c', { command: ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1; done'] }),
  };
}

/** When kubeterm0 could not be made the ClusterIP checks cannot run; CI runs as root and must have it. */
export function interfaceOrSkip(engine: Engine): boolean {
  const status = engine.networkStatus()!;
  if (status.mode === 'interface') return true;
  if (process.env.CI) throw new Error(`the service interface could not be created in CI: ${status.reason}`);
  console.warn(`skipping ClusterIP checks: ${status.reason}`);
  return false;
}

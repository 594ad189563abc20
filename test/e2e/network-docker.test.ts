// Services on real containers: the whole engine on Docker with the network on
// (ClusterIPs on the kubeterm0 interface). A 3-replica busybox httpd
// Deployment behind a Service is reached through its ClusterIP from the host
// (every replica answers), from inside another pod (by IP, and by name through
// the cluster DNS: nslookup and `wget http://test`), and through the ingress by the seed's `/testpath` rule.
// A private service range keeps this engine's addresses apart from any other
// kubeterm running at the same time. Traffic stays on this machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { Engine } from '../../src/engine.js';
import { dockerOrSkipReason } from '../runtime/docker-env.js';
import { get } from '../helpers/http.js';
import { until } from '../helpers/wait.js';
import { httpdDeployment } from './network-docker-helpers.js';

const env = await dockerOrSkipReason();
const CIDR = '10.99.0.0/16';



const httpd = (name: string): KubeObject =>
  httpdDeployment(name, {
    // Each replica serves its own name, so the test can count who answered.
    command: ['sh', '-c', 'mkdir -p /www/testpath && hostname > /www/index.html && hostname > /www/testpath/index.html && exec httpd -f -p 80 -h /www'],
    ports: [{ containerPort: 80 }],
    readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1 },
  });

describe.skipIf(!env.docker)('Services and Ingress on real containers', { timeout: 180_000 }, () => {
  let engine: Engine;
  let dir: string;
  let clusterIP = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubeterm-netdocker-'));
    engine = new Engine({
      persist: false,
      runtime: 'docker',
      nodes: 1,
      dataDir: dir,
      network: { serviceCIDR: CIDR, ingress: { httpPort: 0, httpsPort: null } },
    });
    await engine.start();
    const client = engine.client();
    await client.apply(httpd('test'));
    await client.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'test', namespace: 'default' }, spec: { selector: { app: 'test' }, ports: [{ port: 80, targetPort: 80 }] } });
    await client.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'client', namespace: 'default' },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'kubeterm/busybox:latest', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1; done'] }] },
    });
    clusterIP = engine.api.get('Service', 'default', 'test')!.spec!.clusterIP!;
    await until('3 ready endpoints and a running client', () => {
      const ep = engine.api.get('Endpoints', 'default', 'test');
      const ready = ((ep?.subsets as { addresses?: unknown[] }[] | undefined) ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
      return ready === 3 && engine.api.get('Pod', 'default', 'client')?.status?.phase === 'Running';
    }, 120_000);
  });

  afterAll(async () => {
    if (!engine) return;
    // kubeterm leaves containers running across restarts on purpose; a test removes what it made.
    for (const [kind, name] of [['Deployment', 'test'], ['Pod', 'client']] as const) {
      await engine.api.delete(kind, 'default', name).catch(() => {});
    }
    await until('the pods to be gone', () => engine.api.list('Pod', { namespace: 'default' }).items.length === 0, 60_000).catch(() => {});
    await engine.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts the ClusterIP on this machine and reaches every replica through it from the host', async () => {
    const status = engine.networkStatus()!;
    expect(clusterIP.startsWith('10.99.')).toBe(true);
    if (status.mode !== 'interface') {
      // Only a machine where kubeterm may not create interfaces gets here; CI runs as root and must not.
      if (process.env.CI) throw new Error(`the service interface could not be created in CI: ${status.reason}`);
      console.warn(`skipping ClusterIP checks: ${status.reason}`);
      return;
    }
    const seen = new Set<string>();
    for (let i = 0; i < 30 && seen.size < 3; i++) seen.add((await get(`http://${clusterIP}/`)).body.trim());
    expect(seen.size).toBe(3);
    for (const name of seen) expect(name).toMatch(/^test-[a-z0-9]+-[a-z0-9]+$/);
  });

  it('reaches the Service from inside another pod, by ClusterIP and by DNS name', async () => {
    if (engine.networkStatus()!.mode !== 'interface') return;
    const exec = async (cmd: string) => (await engine.exec('default', 'client', 'c', ['sh', '-c', cmd])).stdout;
    const byIP = await until('an answer through the ClusterIP from inside a pod', async () =>
      (await exec(`printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 ${clusterIP} 80`)).match(/^test-\S+$/m)?.[0],
    );
    expect(byIP).toMatch(/^test-/);
    const resolv = await exec('cat /etc/resolv.conf');
    expect(resolv).toContain('search default.svc.cluster.local svc.cluster.local cluster.local');
    for (const name of ['test', 'test.default.svc.cluster.local']) {
      const answer = await exec(`nslookup ${name} 2>&1 || true`);
      expect(answer, `nslookup ${name}`).toContain(clusterIP);
      // The issue's own words: `wget http://web` from a pod, through the search path and the cluster DNS.
      const page = await exec(`timeout 5 wget -qO- http://${name}/ 2>&1 || true`);
      expect(page.trim(), `wget http://${name}/`).toMatch(/^test-[a-z0-9]+-[a-z0-9]+$/);
    }
  });

  it('routes the seed Ingress `/testpath` to the Service', async () => {
    await engine.client().apply({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'minimal-ingress', namespace: 'default' },
      spec: { rules: [{ http: { paths: [{ path: '/testpath', pathType: 'Prefix', backend: { service: { name: 'test', port: { number: 80 } } } }] } }] },
    });
    const ing = engine.networkStatus()!.ingress!;
    const res = await until('the ingress route', async () => {
      const r = await get(`http://${ing.address}:${ing.http}/testpath/`);
      return r.status === 200 ? r : undefined;
    });
    expect(res.body.trim()).toMatch(/^test-/);
    expect((await get(`http://${ing.address}:${ing.http}/testpathology`)).status).toBe(404);
  });
});

// Services under change, on real containers: a 3-replica busybox httpd
// Deployment (port `http` = 8080, an httpGet readiness probe on /healthz every
// second) behind four Services — ClusterIP (port 80 → targetPort `http`),
// NodePort, LoadBalancer and headless — and an Ingress with Exact and Prefix
// paths and TLS from a kubernetes.io/tls Secret.
//
// What it proves, beyond the loopback tests in test/network: a pod that fails
// its probe stops getting new connections once the Endpoints drop it (the delay
// is printed, not asserted); a pod deleted during a request loop costs no
// request started after the Endpoints update (counts printed); NodePort and
// LoadBalancer answer on 127.0.0.1 with status.loadBalancer filled; the
// cluster DNS gives a headless Service's ready pod IPs and leaves an unready
// one out; with no ready pod the ingress answers 503 and the ClusterIP closes;
// port-forward reaches a pod behind the Service and ends when the pod goes.
// Private service range 10.102.0.0/16; traffic stays on this machine.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { WatchHandle } from '../../src/api/store-types.js';
import { dockerOrSkipReason } from '../runtime/docker-env.js';
import { clientPod, get, httpdDeployment, interfaceOrSkip, startDockerCluster, until, type DockerCluster } from './network-docker-helpers.js';

const env = await dockerOrSkipReason();
const CIDR = '10.102.0.0/16';
/** The LoadBalancer's Service port, opened on 127.0.0.1 (an unusual one, so nothing else holds it). */
const LB_PORT = 18093;
const HOST = 'web.example.test';

const web: KubeObject = httpdDeployment('web', {
  // Every page is the pod's own name, so each answer says who served it; /healthz decides readiness.
  command: ['sh', '-c', 'mkdir -p /www/foo && for f in index.html foo/index.html exact; do hostname > /www/$f; done && touch /www/healthz && exec httpd -f -p 8080 -h /www'],
  ports: [{ name: 'http', containerPort: 8080 }],
  readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1, failureThreshold: 1 },
});

const service = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...spec },
});

interface Sample {
  start: number;
  end: number;
  /** The pod that answered (200), or what went wrong. */
  who?: string;
  error?: string;
}

/** Sequential requests until `stop()`; each on a new connection, so each is a new choice of endpoint. */
async function requestLoop(url: string, stop: () => boolean, out: Sample[]): Promise<void> {
  while (!stop()) {
    const start = Date.now();
    try {
      const r = await get(url, {}, 5000);
      out.push({ start, end: Date.now(), ...(r.status === 200 ? { who: r.body.trim() } : { error: `HTTP ${r.status}` }) });
    } catch (e) {
      out.push({ start, end: Date.now(), error: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
    }
  }
}

describe.skipIf(!env.docker)('Service traffic while pods change, on real containers', { timeout: 120_000 }, () => {
  let c: DockerCluster;
  let clusterIP = '';
  let onIface = false;
  let tlsDir = '';
  let cert = '';
  /** Pod name → pod IP of the three replicas. */
  const ipOf = new Map<string, string>();
  const pods = () => [...ipOf.keys()];
  const readyPods = () =>
    (c.engine.api.get('Endpoints', 'default', 'web')?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.targetRef?.name ?? a.ip)).sort();
  const setReady = (pod: string, ready: boolean) => c.sh(pod, ready ? 'touch /www/healthz' : 'rm -f /www/healthz');
  const refreshPods = () => {
    ipOf.clear();
    for (const p of c.engine.api.list('Pod', { namespace: 'default', filter: (o) => o.metadata.labels?.app === 'web' && !o.metadata.deletionTimestamp }).items) {
      if (p.status?.podIP) ipOf.set(p.metadata.name!, p.status.podIP);
    }
  };

  /** Calls `onChange(readyPodNames, at)` on every change of the `web` Endpoints. */
  const watchEndpoints = (onChange: (ready: string[], at: number) => void): WatchHandle =>
    c.engine.api.watch('Endpoints', { namespace: 'default' }, (ev) => {
      if (ev.type !== 'BOOKMARK' && ev.object.metadata.name === 'web') onChange(readyPods(), Date.now());
    });

  beforeAll(async () => {
    tlsDir = mkdtempSync(join(tmpdir(), 'kubeterm-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${HOST}`, '-addext', `subjectAltName=DNS:${HOST}`,
      '-keyout', join(tlsDir, 'tls.key'), '-out', join(tlsDir, 'tls.crt')], { stdio: 'ignore' });
    cert = readFileSync(join(tlsDir, 'tls.crt'), 'utf8');

    c = await startDockerCluster(CIDR, { httpPort: 0, httpsPort: 0 });
    const client = c.engine.client();
    await client.apply(web);
    await client.apply(service('web', {}));
    await client.apply(service('web-np', { type: 'NodePort' }));
    await client.apply(service('web-lb', { type: 'LoadBalancer', ports: [{ name: 'http', port: LB_PORT, targetPort: 'http' }] }));
    await client.apply(service('web-headless', { clusterIP: 'None' }));
    await client.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'web-tls', namespace: 'default' },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': Buffer.from(cert).toString('base64'), 'tls.key': readFileSync(join(tlsDir, 'tls.key')).toString('base64') },
    });
    await client.apply({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        tls: [{ hosts: [HOST], secretName: 'web-tls' }],
        rules: [
          {
            host: HOST,
            http: {
              paths: [
                { path: '/foo', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
                { path: '/exact', pathType: 'Exact', backend: { service: { name: 'web', port: { name: 'http' } } } },
              ],
            },
          },
        ],
      },
    });
    await client.apply(clientPod('client'));
    clusterIP = c.engine.api.get('Service', 'default', 'web')!.spec!.clusterIP!;
    onIface = interfaceOrSkip(c.engine);
    await until('3 ready web pods and a running client', () => readyPods().length === 3 && c.engine.api.get('Pod', 'default', 'client')?.status?.phase === 'Running', 120_000);
    refreshPods();
  });

  afterAll(async () => {
    await c?.close([['Deployment', 'web'], ['Pod', 'client'], ['Ingress', 'web'], ['Secret', 'web-tls'], ...['web', 'web-np', 'web-lb', 'web-headless'].map((s) => ['Service', s] as [string, string])]);
    if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
  });

  it('balances port 80 over every ready pod at targetPort `http` (8080), from the host', async () => {
    const ep = c.engine.api.get('Endpoints', 'default', 'web')!;
    expect(ep.subsets?.[0]?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    if (!onIface) return;
    const seen = new Set<string>();
    for (let i = 0; i < 30 && seen.size < 3; i++) seen.add((await get(`http://${clusterIP}/`)).body.trim());
    expect([...seen].sort()).toEqual(pods().sort());
  });

  it('serves NodePort and LoadBalancer Services on 127.0.0.1, with status.loadBalancer.ingress filled', async () => {
    const np = c.engine.api.get('Service', 'default', 'web-np')!.spec!.ports![0]!.nodePort as number;
    expect(np).toBeGreaterThanOrEqual(30000);
    expect(np).toBeLessThanOrEqual(32767);
    const lb = await until('the LoadBalancer status', () => {
      const s = c.engine.api.get('Service', 'default', 'web-lb')!;
      return s.status?.loadBalancer?.ingress?.length ? s : undefined;
    });
    expect(lb.status!.loadBalancer!.ingress).toEqual([{ ip: '127.0.0.1' }]);
    const lbNodePort = lb.spec.ports![0].nodePort as number;
    for (const url of [`http://127.0.0.1:${np}/`, `http://127.0.0.1:${LB_PORT}/`, `http://127.0.0.1:${lbNodePort}/`]) {
      const seen = new Set<string>();
      for (let i = 0; i < 30 && seen.size < 3; i++) {
        const r = await get(url);
        expect(r.status, url).toBe(200);
        seen.add(r.body.trim());
      }
      expect([...seen].sort(), url).toEqual(pods().sort());
    }
  });

  it('routes the Ingress by host and path — Exact vs Prefix, `/foo` never `/foobar` — over HTTP and TLS', async () => {
    const { address, http: httpPort, https: httpsPort } = c.engine.networkStatus()!.ingress!;
    const routed = ['/foo', '/foo/', '/foo/index.html', '/exact'];
    const unrouted = ['/foobar', '/exact/', '/exactly', '/'];
    for (const path of routed) {
      const r = await get(`http://${address}:${httpPort}${path}`, { host: HOST });
      // `/foo` is a directory to httpd, which redirects to `/foo/`: either way the pod answered, not the controller.
      expect([200, 301, 302], path).toContain(r.status);
      if (r.status === 200) expect(pods(), path).toContain(r.body.trim());
    }
    for (const path of unrouted) {
      const r = await get(`http://${address}:${httpPort}${path}`, { host: HOST });
      expect(r.status, path).toBe(404);
      expect(r.body, path).toBe('default backend - 404\n');
    }
    // The rules belong to their host.
    expect((await get(`http://${address}:${httpPort}/foo/`, { host: 'other.example.test' })).body).toBe('default backend - 404\n');

    // TLS: the Secret's certificate, picked by SNI and trusted as the only CA, in front of the same pods.
    const tlsReply = await new Promise<{ status: number; body: string; cn: string }>((resolve, reject) => {
      const req = https.get({ host: address, port: httpsPort, path: '/foo/', servername: HOST, headers: { host: HOST }, ca: cert, agent: false, timeout: 5000 }, (res) => {
        const cn = String((res.socket as TLSSocket).getPeerCertificate().subject?.CN ?? '');
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cn }));
      });
      req.on('timeout', () => req.destroy(new Error('TLS request timed out')));
      req.on('error', reject);
    });
    expect(tlsReply.cn).toBe(HOST);
    expect(tlsReply.status).toBe(200);
    expect(pods()).toContain(tlsReply.body.trim());
  });

  it('answers headless DNS with the ready pod IPs; a pod failing readiness leaves DNS and stops receiving traffic', async () => {
    if (!onIface) return;
    const lookup = async () => {
      const out = await c.sh('client', 'nslookup -type=a web-headless 2>&1 || true');
      // Everything after the first `Name:` is answers (the lines before are the server's own address).
      const answers = out.slice(out.indexOf('Name:'));
      return [...answers.matchAll(/Address:\s*(\d+\.\d+\.\d+\.\d+)/g)].map((m) => m[1]).sort();
    };
    expect(await lookup()).toEqual([...ipOf.values()].sort());

    const [victim] = pods();
    const samples: Sample[] = [];
    let droppedAt = 0;
    const w = watchEndpoints((ready, at) => {
      if (!droppedAt && !ready.includes(victim)) droppedAt = at;
    });
    let stopAt = Infinity;
    const loop = requestLoop(`http://${clusterIP}/`, () => Date.now() > stopAt, samples);
    await until('the victim to answer once', () => samples.some((s) => s.who === victim), 10_000);
    const failedAt = Date.now();
    await setReady(victim, false);
    await until('the Endpoints to drop the pod failing readiness', () => droppedAt, 15_000);
    stopAt = droppedAt + 1500;
    await loop;
    w.stop();

    const after = samples.filter((s) => s.start > droppedAt);
    const lastFromVictim = Math.max(...samples.filter((s) => s.who === victim).map((s) => s.end));
    console.log(
      `readiness: Endpoints dropped ${victim} ${droppedAt - failedAt} ms after its probe began failing; ` +
        `its last answer ended ${lastFromVictim - failedAt} ms after; ${samples.length} requests, ${after.length} after the update, ` +
        `${samples.filter((s) => s.error).length} failed`,
    );
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((s) => s.who === victim)).toEqual([]);
    expect(after.filter((s) => s.error)).toEqual([]);
    // The other two still share the traffic.
    expect(new Set(after.map((s) => s.who))).toEqual(new Set(pods().filter((p) => p !== victim)));
    expect(c.engine.api.get('Endpoints', 'default', 'web')!.subsets?.[0]?.notReadyAddresses?.map((a) => a.ip)).toEqual([ipOf.get(victim)]);
    expect(await lookup()).toEqual([...ipOf.values()].filter((ip) => ip !== ipOf.get(victim)).sort());

    await setReady(victim, true);
    await until('the pod back in the Endpoints', () => readyPods().includes(victim), 15_000);
    expect(await lookup()).toEqual([...ipOf.values()].sort());
  });

  it('with no ready pod: the ingress answers 503 and the ClusterIP closes the connection', async () => {
    const { address, http: httpPort } = c.engine.networkStatus()!.ingress!;
    for (const p of pods()) await setReady(p, false);
    try {
      await until('the Endpoints to have no ready address', () => readyPods().length === 0, 15_000);
      const r = await get(`http://${address}:${httpPort}/foo/`, { host: HOST });
      expect(r.status).toBe(503);
      expect(r.body).toBe('no endpoints available for service "web"\n');
      if (onIface) {
        const outcome = await get(`http://${clusterIP}/`).then((x) => `HTTP ${x.status}`, (e: NodeJS.ErrnoException) => e.code ?? e.message);
        expect(outcome).toMatch(/^E[A-Z]+$/); // closed without an answer (ECONNRESET), as kube-proxy's userspace mode does
        const fromPod = await c.sh('client', 'timeout 5 wget -qO- http://web 2>&1; echo "exit=$?"');
        expect(fromPod).toMatch(/exit=[1-9]/);
      }
    } finally {
      for (const p of pods()) await setReady(p, true);
      await until('all pods ready again', () => readyPods().length === 3, 15_000);
    }
    expect(pods()).toContain((await get(`http://${address}:${httpPort}/foo/`, { host: HOST })).body.trim());
  });

  it('loses no request started after the Endpoints update when a pod is deleted during a request loop', async () => {
    if (!onIface) return;
    const [victim] = pods();
    const samples: Sample[] = [];
    let droppedAt = 0;
    let replacedAt = 0;
    const w = watchEndpoints((ready, at) => {
      if (!droppedAt && !ready.includes(victim)) droppedAt = at;
      if (droppedAt && !replacedAt && ready.length === 3) replacedAt = at;
    });
    let stopAt = Infinity;
    const url = `http://${clusterIP}/`;
    // Two clients at once, so a request is in flight whenever the Endpoints change.
    const loops = [requestLoop(url, () => Date.now() > stopAt, samples), requestLoop(url, () => Date.now() > stopAt, samples)];
    await until('the victim to answer once', () => samples.some((s) => s.who === victim), 10_000);
    const deletedAt = Date.now();
    await c.engine.client().delete('Pod', 'default', victim);
    await until('a replacement pod to be ready', () => replacedAt, 60_000);
    stopAt = Date.now() + 500;
    await Promise.all(loops);
    w.stop();

    const before = samples.filter((s) => s.start <= droppedAt);
    const after = samples.filter((s) => s.start > droppedAt);
    const failed = (xs: Sample[]) => xs.filter((s) => s.error);
    console.log(
      `pod deletion: Endpoints dropped ${victim} ${droppedAt - deletedAt} ms after the delete, replacement ready after ${replacedAt - deletedAt} ms; ` +
        `${before.length} requests before the update (${failed(before).length} failed), ${after.length} after (${failed(after).length} failed)`,
    );
    expect(after.length).toBeGreaterThan(0);
    expect(failed(after)).toEqual([]);
    expect(after.filter((s) => s.who === victim)).toEqual([]);
    refreshPods();
    expect(pods()).not.toContain(victim);
    // The replacement takes traffic too.
    const replacement = pods().find((p) => !samples.some((s) => s.start <= deletedAt && s.who === p));
    expect(replacement).toBeDefined();
    expect(after.some((s) => s.who === replacement)).toBe(true);
  });

  it('port-forwards 127.0.0.1 to a pod behind the Service, until that pod is gone', async () => {
    const fwd = await c.engine.client().portForward({ namespace: 'default', kind: 'Service', name: 'web', remotePort: 80 });
    try {
      expect(fwd.address).toBe('127.0.0.1');
      expect(fwd.remotePort).toBe(8080);
      expect(pods()).toContain(fwd.pod);
      for (let i = 0; i < 3; i++) expect((await get(`http://127.0.0.1:${fwd.localPort}/`)).body.trim()).toBe(fwd.pod);
      await c.engine.client().delete('Pod', 'default', fwd.pod);
      const end = await Promise.race([fwd.done, new Promise<undefined>((r) => setTimeout(r, 30_000))]);
      expect(end?.reason).toBe('pod gone');
    } finally {
      await fwd.stop();
    }
  });
});

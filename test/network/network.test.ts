// The seed example end to end without Docker: a Service with a targetPort in
// front of three "pods" (loopback HTTP servers), the endpoints controller
// keeping Endpoints, the allocator giving the ClusterIP, and the Network part
// (proxy in loopback fallback, DNS, ingress routing /testpath).
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import type { Api } from '../../src/api/api.js';
import type { KubeObject } from '../../src/api/meta.js';
import { createServiceAllocator } from '../../src/api/service-ip.js';
import { newEndpointsController } from '../../src/controllers/endpoints.js';
import { Network } from '../../src/network/index.js';
import { setup } from '../controllers/harness.js';
import { get, startBackend, type Backend } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function pod(api: Api, name: string, b: Backend, ready = true): Promise<void> {
  await api.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'nginx' } },
    spec: { nodeName: 'node-1', containers: [{ name: 'nginx', image: 'nginx', ports: [{ name: 'http', containerPort: b.port }] }] },
  });
  await setReady(api, name, b.host, ready);
}

async function setReady(api: Api, name: string, ip: string, ready: boolean): Promise<void> {
  await api.modify('Pod', 'default', name, (p) => {
    p.status = { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] };
  }, { status: true });
}

describe('network end to end (loopback)', () => {
  it('serves the seed example: Service with a named targetPort, Ingress /testpath, DNS name', async () => {
    const h = await setup({ factories: [newEndpointsController] });
    cleanups.push(() => h.mgr.stop());
    const backends = await Promise.all(['127.0.0.2', '127.0.0.3', '127.0.0.4'].map((ip, i) => startBackend(`nginx-${i}`, ip)));
    cleanups.push(() => Promise.all(backends.map((b) => b.close())).then(() => undefined));
    for (const [i, b] of backends.entries()) await pod(h.api, `nginx-${i}`, b);
    const allocator = createServiceAllocator();
    const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx', namespace: 'default' }, spec: { type: 'ClusterIP', selector: { app: 'nginx' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] } };
    await h.api.create(allocator.admit(svc));
    await h.api.create({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'minimal-ingress', namespace: 'default' },
      spec: { rules: [{ http: { paths: [{ path: '/testpath', pathType: 'Prefix', backend: { service: { name: 'nginx', port: { number: 80 } } } }] } }] },
    });
    await h.settle();
    const net = new Network({ api: h.api, serviceInterface: false, ingress: { httpPort: 0, httpsPort: null }, dns: { port: 0 } });
    await net.start();
    cleanups.push(() => net.stop());
    await net.whenSynced();
    const st = net.status();
    expect(st.mode).toBe('fallback');
    expect(st.errors).toEqual([]);
    const clusterIP = h.api.get('Service', 'default', 'nginx')!.spec.clusterIP as string;
    expect(clusterIP).toMatch(/^10\.96\./);
    const m = st.mappings.find((x) => x.service === 'nginx')!;
    expect(m).toMatchObject({ clusterIP, mapped: true, port: 80 });
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add((await get(`http://127.0.0.1:${m.hostPort}/`)).body);
    expect(seen).toEqual(new Set(['nginx-0', 'nginx-1', 'nginx-2']));
    expect((await get(`http://127.0.0.1:${st.ingress!.http}/testpath/index.html`)).body).toMatch(/^nginx-\d$/);
    expect((await get(`http://127.0.0.1:${st.ingress!.http}/testpathx`)).status).toBe(404);

    // A pod failing readiness leaves the rotation as soon as the endpoints controller has run.
    await setReady(h.api, 'nginx-1', '127.0.0.3', false);
    await h.settle();
    const after = new Set<string>();
    for (let i = 0; i < 6; i++) after.add((await get(`http://127.0.0.1:${m.hostPort}/`)).body);
    expect(after).toEqual(new Set(['nginx-0', 'nginx-2']));

    // Deleting a pod during a request loop loses no request: the endpoint goes at deletion (graceful), the server after.
    let failures = 0;
    let done = 0;
    let stop = false;
    const loop = (async () => {
      while (!stop) {
        try {
          const r = await get(`http://127.0.0.1:${m.hostPort}/`);
          if (r.status !== 200) failures++;
        } catch {
          failures++;
        }
        done++;
      }
    })();
    while (done < 5) await new Promise((r) => setTimeout(r, 5));
    await h.api.delete('Pod', 'default', 'nginx-0');
    await h.settle();
    // The endpoint is gone; a request already in flight to nginx-0 finishes before its server goes, as a
    // terminating pod's grace period lets it (the loop is sequential: two more completions mean every
    // request still running started after the endpoint left).
    const removedAt = done;
    while (done < removedAt + 2) await new Promise((r) => setTimeout(r, 5));
    await backends[0].close();
    const mark = done;
    while (done < mark + 10) await new Promise((r) => setTimeout(r, 5));
    stop = true;
    await loop;
    expect(failures).toBe(0);

    // DNS: the Service name resolves to its ClusterIP.
    const s = dgram.createSocket('udp4');
    cleanups.push(() => void s.close());
    const reply = await new Promise<dnsPacket.DecodedPacket>((resolve) => {
      s.on('message', (msg) => resolve(dnsPacket.decode(msg)));
      s.send(dnsPacket.encode({ type: 'query', id: 9, questions: [{ type: 'A', name: 'nginx.default.svc.cluster.local' }] }), st.dns!.port, '127.0.0.1');
    });
    expect((reply.answers ?? []).map((a) => (a as { data: string }).data)).toEqual([clusterIP]);
  });
});

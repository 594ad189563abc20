// `kubectl get pods -A` against 10,000 Running pods, on loopback over TLS.
// Two figures for the same request:
//  - kubectl wall: the real kubectl (1.32) as a user runs it, with a
//    temporary HOME and --cache-dir (discovery cached after a warm-up run);
//  - server alone: the requests kubectl makes, reproduced with node's https
//    (same Accept header, `limit=500`, following `continue` tokens until the
//    list is done): the sum over its pages of request sent → last byte in.
// kubectl asks for `application/json;as=Table;v=v1;g=meta.k8s.io,…` with
// `?limit=500` (its --chunk-size) and no includeObject (so rows carry
// PartialObjectMetadata). Its REST client is throttled to 5 requests/s after
// a burst of 10, so every page past the tenth costs it ~200 ms whatever the
// server does; pages served is printed too.
// Pods are created directly through the Api (no kubelets) with a Running
// status. Prints figures; asserts nothing. BENCH_SCALE shrinks the pod count;
// BENCH_KUBECTL_RUNS sets the number of timed kubectl runs (default 10).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { promisify } from 'node:util';
import type { KubeObject } from '../src/api/meta.js';
import { startTestServer } from '../test/apiserver/harness.js';
import { runIfMain } from './main.js';
import { percentile, scaled } from './stats.js';

const PODS = scaled(10_000);
const NAMESPACES = 10;
const RUNS = Number(process.env.BENCH_KUBECTL_RUNS ?? '10') || 10;
const KUBECTL = '/usr/bin/kubectl';
/** What kubectl 1.32 sends for `get` (seen with -v=8). */
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

const exec$ = promisify(execFile);
const r1 = (x: number) => Number(x.toFixed(1));

export function runningPod(i: number): KubeObject {
  const name = `web-7d9f8c6b5-${i.toString(36).padStart(5, '0')}`;
  const t = '2026-11-22T00:00:00Z';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: `team-${i % NAMESPACES}`,
      labels: { app: 'web', 'pod-template-hash': '7d9f8c6b5' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f8c6b5', uid: '0f8e1c52-5d0e-4c1a-9d7e-1b2c3d4e5f60', controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      nodeName: `node-${i % 20}`,
      containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: { requests: { cpu: '100m', memory: '128Mi' } } }],
    },
    status: {
      phase: 'Running',
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastTransitionTime: t })),
      hostIP: '10.0.0.1',
      podIP: `10.244.${(i >> 8) & 255}.${i & 255}`,
      podIPs: [{ ip: `10.244.${(i >> 8) & 255}.${i & 255}` }],
      startTime: t,
      containerStatuses: [{ name: 'web', ready: true, started: true, restartCount: 0, image: 'nginx:1.27', imageID: 'docker-pullable://nginx@sha256:' + 'a'.repeat(64), containerID: 'docker://' + 'b'.repeat(64), state: { running: { startedAt: t } } }],
      qosClass: 'Burstable',
    },
  } as KubeObject;
}

export async function run(): Promise<Record<string, number | string>> {
  const s = await startTestServer({});
  const out: Record<string, number | string> = { pods: PODS, namespaces: NAMESPACES };
  try {
    for (let n = 0; n < NAMESPACES; n++) await s.api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `team-${n}` } } as KubeObject);
    // Created in parallel batches: the store's group commit is not what this bench measures.
    for (let i = 0; i < PODS; i += 500) {
      await Promise.all(Array.from({ length: Math.min(500, PODS - i) }, (_, k) => s.api.create(runningPod(i + k))));
    }

    // ---- the server alone: kubectl's request sequence over node https ----
    const agent = new Agent({ keepAlive: true, ca: s.ca });
    // Resolves with the time from sending the request to its last byte (parsing the page is the client's work, not counted).
    const get = (path: string) =>
      new Promise<{ status: number; body: string; ms: number }>((resolve, reject) => {
        const t = performance.now();
        const req = request(s.url + path, { agent, headers: { Authorization: `Bearer ${s.token}`, Accept: TABLE_ACCEPT, 'User-Agent': 'kubeterm-bench' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      });
    const serverLat: number[] = [];
    const firstPageLat: number[] = [];
    let pages = 0;
    let rows = 0;
    let bytes = 0;
    const cpu: number[] = [];
    for (let r = 0; r < RUNS + 1; r++) {
      const c0 = process.cpuUsage();
      let spent = 0;
      let cont = '';
      pages = 0;
      rows = 0;
      bytes = 0;
      do {
        const res = await get(`/api/v1/pods?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
        if (res.status !== 200) throw new Error(`list failed: ${res.status} ${res.body.slice(0, 300)}`);
        spent += res.ms;
        if (pages === 0 && r > 0) firstPageLat.push(res.ms);
        // Not parsed whole (that is the client's work, and would count as this process's CPU): the
        // metadata comes first, and rows are counted by their opening.
        pages++;
        rows += res.body.split('{"cells":').length - 1;
        bytes += res.body.length;
        cont = /"metadata":\{[^}]*"continue":"([^"]+)"/.exec(res.body.slice(0, 4096))?.[1] ?? '';
      } while (cont);
      if (r > 0) serverLat.push(spent); // the first is a warm-up
      const c = process.cpuUsage(c0);
      if (r > 0) cpu.push((c.user + c.system) / 1000);
    }
    agent.destroy();
    out['server.pages'] = pages;
    out['server.rows'] = rows;
    out['server.bytes'] = bytes;
    out['server.lastByteP50Ms'] = r1(percentile(serverLat, 50));
    out['server.lastByteP99Ms'] = r1(percentile(serverLat, 99));
    out['server.firstPageP50Ms'] = r1(percentile(firstPageLat, 50));
    // CPU of this process (server and its reading client) per whole list: steadier than wall time on a busy machine.
    out['server.cpuP50Ms'] = r1(percentile(cpu, 50));

    // ---- the real kubectl ----
    if (!existsSync(KUBECTL)) {
      out.kubectl = `skipped: ${KUBECTL} absent`;
      return out;
    }
    const kubectl = () =>
      exec$(KUBECTL, ['--kubeconfig', s.kubeconfig, '--cache-dir', `${s.dir}/cache`, 'get', 'pods', '-A'], {
        env: { PATH: process.env.PATH, HOME: s.dir },
        maxBuffer: 256 * 1024 * 1024,
      });
    await kubectl(); // warm-up: fills the discovery cache, as any user's second command finds it
    const lat: number[] = [];
    let lines = 0;
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      const { stdout } = await kubectl();
      lat.push(performance.now() - t);
      lines = stdout.trim().split('\n').length - 1;
    }
    out['kubectl.rows'] = lines;
    out['kubectl.wallP50Ms'] = r1(percentile(lat, 50));
    out['kubectl.wallP99Ms'] = r1(percentile(lat, 99));
    out['kubectl.runs'] = RUNS;
  } finally {
    await s.close();
  }
  return out;
}

runIfMain(import.meta.url, run, 26);

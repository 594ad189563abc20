// A live kubeterm for the remote client to attach to: an in-process Engine on
// the simulated runtime behind kubeterm's own ApiServer (HTTPS on a free
// loopback port, bearer token, self-signed certificate), and a kubeconfig for
// it in a temp folder. The two halves check each other: KubeClient speaks only
// Kubernetes REST, the ApiServer only knows the Api.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiServer, ensureServingCert, ensureToken, writeKubeconfig, type LogsFn } from '../../src/apiserver/index.js';
import { Engine } from '../../src/engine.js';
import { afterAll, beforeAll } from 'vitest';
import { KubeClient } from '../../src/client/kube.js';
import { until } from '../helpers/wait.js';

export interface LiveCluster {
  engine: Engine;
  server: ApiServer;
  url: string;
  token: string;
  dir: string;
  kubeconfig: string;
  close(): Promise<void>;
}

/** The engine's log reader in the shape the ApiServer asks for. */
function engineLogs(engine: Engine): LogsFn {
  return (namespace, pod, o, onLine, signal) =>
    new Promise<void>((resolve, reject) => {
      const sub = engine.logs(
        namespace,
        pod,
        { container: o.container, follow: o.follow, tailLines: o.tailLines, sinceSeconds: o.sinceSeconds, previous: o.previous },
        (l) => onLine(o.timestamps && l.time ? `${l.time} ${l.text}` : l.text),
        (e) => (e ? reject(e) : resolve()),
      );
      signal.addEventListener('abort', () => {
        sub.stop();
        resolve();
      });
    });
}

export async function startLiveCluster(opts: { context?: string } = {}): Promise<LiveCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'kubeterm-kube-'));
  const engine = new Engine({ runtime: 'sim', nodes: 1, persist: false });
  await engine.start();
  const token = await ensureToken(dir);
  const cert = await ensureServingCert(dir);
  const server = new ApiServer({ api: engine.api, host: '127.0.0.1', port: 0, token, tls: { cert: cert.cert, key: cert.key }, logs: engineLogs(engine), metrics: engine.metricsSource() });
  const { url } = await server.start();
  const kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, { server: url, token, caData: cert.cert, name: opts.context });
  return {
    engine,
    server,
    url,
    token,
    dir,
    kubeconfig,
    async close() {
      await server.stop();
      await engine.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `fn` until it returns a truthy value (real time: the cluster runs on real timers). */
export function waitFor<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  return until(what, fn, timeoutMs) as Promise<Exclude<T, false | null | undefined | 0 | ''>>;
}

/**
 * A small GitOps folder (ConfigMap, Service, Deployment `web` with 3 × nginx:1.25)
 * with no probes, so the attach tests depend only on the client and the server.
 */
export async function writeAppFolder(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  await writeFile(
    `${folder}/configmap.yaml`,
    ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: web-content', 'data:', '  index.html: hello', ''].join('\n'),
  );
  await writeFile(
    `${folder}/service.yaml`,
    ['apiVersion: v1', 'kind: Service', 'metadata:', '  name: web', 'spec:', '  selector:', '    app: web', '  ports:', '    - port: 80', ''].join('\n'),
  );
  await writeFile(
    `${folder}/deployment.yaml`,
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      'spec:',
      '  replicas: 3',
      '  selector:',
      '    matchLabels:',
      '      app: web',
      '  template:',
      '    metadata:',
      '      labels:',
      '        app: web',
      '    spec:',
      '      containers:',
      '        - name: nginx',
      '          image: nginx:1.25',
      '',
    ].join('\n'),
  );
}

/**
 * Starts a live cluster and a KubeClient on its kubeconfig before the tests of
 * the enclosing describe (or file), hands both to `got`, and closes them after.
 */
export function useLiveClient(got: (started: { live: LiveCluster; client: KubeClient }) => void, timeoutMs?: number): void {
  let live: LiveCluster | undefined;
  let client: KubeClient | undefined;
  beforeAll(async () => {
    live = await startLiveCluster();
    client = await KubeClient.fromKubeconfig(live.kubeconfig);
    got({ live, client });
  }, timeoutMs);
  afterAll(async () => {
    await client?.close();
    await live?.close();
  });
}

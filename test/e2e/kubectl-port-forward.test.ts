// `kubectl port-forward` — the real kubectl 1.32 — against the whole engine on
// Docker through its own HTTPS API server and the kubeconfig it writes: a
// kubeterm/httpd pod (serving /var/www on 80) reached through the local port
// kubectl prints, by pod and by Service, over kubectl's default transport
// (SPDY tunnelled in a WebSocket). The engine's dial hook connects to the
// pod's IP on kubeterm's Docker network; nothing leaves this machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { Engine } from '../../src/engine.js';
import { kubectlAvailable } from '../apiserver/harness.js';
import { kubectlPortForward } from '../apiserver/portforward-kubectl.js';
import { dockerOrSkipReason } from '../runtime/docker-env.js';
import { get } from '../helpers/http.js';
import { until } from '../helpers/wait.js';

const env = await dockerOrSkipReason();
const HAVE_KUBECTL = kubectlAvailable();



const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'pf-web', namespace: 'default', labels: { app: 'pf-web' } },
  spec: {
    terminationGracePeriodSeconds: 1,
    containers: [
      {
        name: 'httpd',
        image: 'kubeterm/httpd:latest',
        imagePullPolicy: 'IfNotPresent',
        ports: [{ name: 'http', containerPort: 80 }],
        readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1 },
      },
    ],
  },
};

describe.skipIf(!env.docker || !HAVE_KUBECTL)('kubectl port-forward on real containers', { timeout: 180_000 }, () => {
  let engine: Engine;
  let home: string;
  let kubeconfig: string;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'kubeterm-kubectl-pf-'));
    engine = new Engine({ persist: false, runtime: 'docker', nodes: 1, dataDir: join(home, 'data'), apiServer: { host: '127.0.0.1', port: 0 } });
    await engine.start();
    expect(engine.apiServer?.error).toBeUndefined();
    kubeconfig = engine.apiServer!.kubeconfig!;
    const client = engine.client();
    await client.apply(pod);
    await client.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'pf-web', namespace: 'default' }, spec: { selector: { app: 'pf-web' }, ports: [{ port: 8080, targetPort: 'http' }] } });
    await until('pf-web to be ready', () => {
      const st = engine.api.get('Pod', 'default', 'pf-web')?.status as { phase?: string; conditions?: { type: string; status: string }[] } | undefined;
      return st?.phase === 'Running' && st.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    }, 120_000);
  });

  afterAll(async () => {
    if (!engine) return;
    // kubeterm leaves containers running across restarts on purpose; a test removes what it made.
    await engine.api.delete('Pod', 'default', 'pf-web').catch(() => {});
    await engine.api.delete('Service', 'default', 'pf-web').catch(() => {});
    await until('the pod to be gone', () => !engine.api.get('Pod', 'default', 'pf-web'), 60_000).catch(() => {});
    await engine.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('pod/NAME :80 — an HTTP GET through the printed local port reaches the container', async () => {
    const fwd = await kubectlPortForward({ kubeconfig, home, args: ['pod/pf-web', ':80', '-v=4'] });
    try {
      expect(fwd.remotePort).toBe(80);
      const first = await get(`http://127.0.0.1:${fwd.localPort}/`);
      expect(first).toMatchObject({ status: 200, body: 'hello from kubeterm busybox\n' });
      // A second connection through the same forward (a new stream pair on the same tunnel).
      expect((await get(`http://127.0.0.1:${fwd.localPort}/index.html`)).body).toBe('hello from kubeterm busybox\n');
      expect((await get(`http://127.0.0.1:${fwd.localPort}/missing`)).status).toBe(404);
      expect(fwd.stderr()).not.toMatch(/fallback to secondary dialer/);
    } finally {
      await fwd.stop();
    }
  });

  it('svc/NAME 8080 — resolved to the pod and its named target port', async () => {
    const fwd = await kubectlPortForward({ kubeconfig, home, args: ['svc/pf-web', ':8080'] });
    try {
      expect(fwd.remotePort).toBe(80);
      expect(await get(`http://127.0.0.1:${fwd.localPort}/`)).toMatchObject({ status: 200, body: 'hello from kubeterm busybox\n' });
    } finally {
      await fwd.stop();
    }
  });
});

// The kubelet-side helpers working together on real Docker, the way the pod
// worker will use them: resolveEnv → VolumeManager.setUp/mounts → DockerDriver
// → probes against the pod IP and through exec; a ConfigMap update reaches the
// running container through the ..data symlink swap.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { Container, Pod } from '../../src/api/types/pod.js';
import { resolveEnv, type EnvLookups } from '../../src/kubelet/container-env.js';
import { runProbe } from '../../src/kubelet/probes/index.js';
import { DockerDriver } from '../../src/kubelet/runtime/docker/index.js';
import type { SandboxInfo } from '../../src/kubelet/runtime/types.js';
import { VolumeManager } from '../../src/kubelet/volumes/index.js';
import { TEST_IMAGE, cleanupDocker, dockerOrSkipReason, uniqueInstance, waitFor } from '../runtime/docker-env.js';

const env = await dockerOrSkipReason();
const instance = uniqueInstance('kt-test-parts');
const network = `${instance}-net`;

describe.skipIf(!env.docker)('kubelet parts on real Docker', () => {
  let driver: DockerDriver;
  let root: string;
  let volumes: VolumeManager;
  const objects: Record<string, KubeObject> = {};
  const lookups: EnvLookups = { configMap: (ns, n) => objects[`ConfigMap/${ns}/${n}`], secret: (ns, n) => objects[`Secret/${ns}/${n}`] };
  const web: Container = {
    name: 'web',
    image: TEST_IMAGE,
    command: ['sh', '-c', 'mkdir -p /www && echo "$GREETING" > /www/index.html && exec httpd -f -p 8080 -h /www'],
    ports: [{ name: 'http', containerPort: 8080 }],
    env: [
      { name: 'NAME', valueFrom: { configMapKeyRef: { name: 'site', key: 'name' } } },
      { name: 'GREETING', value: 'hello $(NAME)' },
      { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
    ],
    volumeMounts: [
      { name: 'config', mountPath: '/etc/site' },
      { name: 'scratch', mountPath: '/scratch' },
    ],
  };
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'parts', namespace: 'default', uid: `${instance}-uid` },
    spec: {
      containers: [web],
      volumes: [
        { name: 'config', configMap: { name: 'site' } },
        { name: 'scratch', emptyDir: {} },
      ],
    },
  };
  let sb: SandboxInfo;
  let id: string;

  beforeAll(async () => {
    driver = new DockerDriver({ docker: env.docker!, instance, network });
    root = mkdtempSync(join(tmpdir(), 'kt-parts-'));
    volumes = new VolumeManager({ rootDir: root });
    objects['ConfigMap/default/site'] = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'site', namespace: 'default' }, data: { name: 'kubeterm', 'site.conf': 'v1' } };
    objects['Secret/default/api'] = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'api', namespace: 'default' }, data: { token: Buffer.from('t0k3n').toString('base64') } };
  });

  afterAll(async () => {
    await driver?.close();
    await cleanupDocker(env.docker!, instance, network);
    rmSync(root, { recursive: true, force: true });
  });

  it('starts a container with resolved env and prepared volumes', async () => {
    const r = resolveEnv(pod, web, lookups);
    if ('error' in r) throw new Error(r.error);
    await volumes.setUp(pod, lookups);
    const mounts = await volumes.mounts(pod, web, { env: r.env });
    sb = await driver.runSandbox({ pod, instance });
    id = await driver.createContainer(sb, {
      podUid: pod.metadata.uid!,
      podName: 'parts',
      podNamespace: 'default',
      name: 'web',
      attempt: 0,
      image: TEST_IMAGE,
      command: web.command,
      env: r.env,
      mounts,
      spec: web as unknown as Record<string, unknown>,
    });
    await driver.startContainer(id);
    const out = await driver.exec(id, ['sh', '-c', 'echo $TOKEN; cat /etc/site/site.conf; touch /scratch/ok && echo rw; touch /etc/site/x 2>/dev/null || echo ro']);
    expect(out.stdout.split('\n')).toEqual(['t0k3n', 'v1rw', 'ro', '']);
  });

  it('probes the pod IP over HTTP and TCP, and the container through exec', async () => {
    const target = { podIP: sb.ip, container: web, exec: (cmd: string[], ms: number) => driver.exec(id, cmd, undefined, ms) };
    const http = await waitFor(async () => {
      const r = await runProbe({ httpGet: { path: '/', port: 'http' }, timeoutSeconds: 2 }, target);
      return r.result === 'success' ? r : undefined;
    }, 10_000, 'httpGet probe');
    expect(http.output).toBe('hello kubeterm\n');
    expect((await runProbe({ httpGet: { path: '/missing', port: 8080 } }, target)).output).toBe('HTTP probe failed with statuscode: 404');
    expect((await runProbe({ tcpSocket: { port: 8080 } }, target)).result).toBe('success');
    expect(await runProbe({ tcpSocket: { port: 9 } }, target)).toEqual({ result: 'failure', output: `dial tcp ${sb.ip}:9: connect: connection refused` });
    expect((await runProbe({ exec: { command: ['test', '-f', '/www/index.html'] } }, target)).result).toBe('success');
    expect((await runProbe({ exec: { command: ['test', '-f', '/nope'] } }, target)).result).toBe('failure');
  });

  it('shows an updated ConfigMap inside the running container', async () => {
    objects['ConfigMap/default/site'] = { ...objects['ConfigMap/default/site'], data: { name: 'kubeterm', 'site.conf': 'v2' } };
    await volumes.setUp(pod, lookups);
    const out = await driver.exec(id, ['cat', '/etc/site/site.conf']);
    expect(out.stdout).toBe('v2');
    await driver.removeSandbox(pod.metadata.uid!);
    await volumes.cleanup(pod.metadata.uid!);
    expect(await driver.containerStatus(id)).toBeUndefined();
  });
});

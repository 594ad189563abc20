// The seed's ConfigMap + Secret + Pod example on real containers, through the
// real kubectl: the container's environment holds the ConfigMap's values and
// the Secret's decoded password, as the seed document describes. The pod is
// the seed's, with `imagePullPolicy: IfNotPresent` added (no registry is
// reachable here; `nginx:latest` is the local test image).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';
import { KUBECTL, kubectlAvailable } from '../apiserver/harness.js';
import { dockerOrSkipReason } from '../runtime/docker-env.js';

const run = promisify(execFile);
const env = await dockerOrSkipReason();
const HAVE_KUBECTL = kubectlAvailable();
if (!HAVE_KUBECTL) console.log(`SKIP kubectl seed tests on Docker: no kubectl at ${KUBECTL}`);
const seed = (f: string) => join(import.meta.dirname, '../../examples/seeds', f);

describe.skipIf(!env.docker || !HAVE_KUBECTL)('the seed’s env-from-ConfigMap-and-Secret Pod on Docker, through kubectl', { timeout: 180_000 }, () => {
  let engine: Engine | undefined;
  let home: string;
  let kubeconfig: string;
  const kubectl = async (...args: string[]): Promise<string> => {
    const { stdout } = await run(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', join(home, 'cache'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: home },
      timeout: 120_000,
    });
    return stdout;
  };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'kubeterm-kubectl-seeds-docker-'));
    engine = new Engine({ persist: false, runtime: 'docker', nodes: 1, apiServer: { host: '127.0.0.1', port: 0 }, dataDir: join(home, 'data') });
    await engine.start();
    expect(engine.info.runtime).toBe('docker');
    expect(engine.apiServer?.error).toBeUndefined();
    kubeconfig = engine.apiServer!.kubeconfig!;
  });

  afterAll(async () => {
    if (engine) {
      // kubeterm leaves containers running across restarts on purpose; a test removes what it made.
      await kubectl('delete', 'pod', 'app-pod', '--grace-period=1', '--ignore-not-found', '--timeout=60s').catch(() => '');
      await engine.stop();
    }
    rmSync(home, { recursive: true, force: true });
  });

  it('the container sees APP_NAME, APP_ENV and the decoded DB_PASSWORD', async () => {
    const pod = parse(readFileSync(seed('app-pod.yaml'), 'utf8'));
    pod.spec.containers[0].imagePullPolicy = 'IfNotPresent';
    const podFile = join(home, 'app-pod.yaml');
    writeFileSync(podFile, stringify(pod));
    await kubectl('apply', '-f', seed('app-config.yaml'), '-f', seed('app-secret.yaml'), '-f', podFile);
    expect(await kubectl('wait', '--for=condition=Ready', 'pod/app-pod', '--timeout=120s')).toMatch(/condition met/);
    const lines = (await kubectl('exec', 'app-pod', '--', 'env')).split('\n');
    expect(lines).toContain('APP_NAME=MyK8sApp');
    expect(lines).toContain('APP_ENV=production');
    expect(lines).toContain('DB_PASSWORD=mysupersecret');
  });
});

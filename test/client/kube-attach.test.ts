// Attach mode end to end: a SECOND kubeterm process, started as
// `kubeterm --kubeconfig CFG --headless FOLDER`, drives the FIRST (this test's
// in-process engine behind kubeterm's ApiServer) over HTTPS. The folder's
// objects must land in the first engine's store, its Events must stream back,
// edits and deletions in the folder must follow, and it must start no engine
// of its own.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/args.js';
import { KubeClient } from '../../src/client/kube.js';
import { Engine } from '../../src/engine.js';
import { kubetermTracker } from '../e2e/headless-helpers.js';
import { startLiveCluster, waitFor, writeAppFolder, type LiveCluster } from './kube-harness.js';

let live: LiveCluster;
const kubeterms = kubetermTracker();
const kubeterm = (args: string[]) => kubeterms.start(args);

beforeAll(async () => {
  live = await startLiveCluster();
}, 30_000);

afterEach(() => {
  kubeterms.killAll();
});

afterAll(async () => {
  await live?.close();
});

describe('kubeterm --kubeconfig (attach mode)', { timeout: 120_000 }, () => {
  it('syncs a folder into the other kubeterm, streams its Events, follows edits and prunes', async () => {
    const folder = join(live.dir, 'app');
    await writeAppFolder(folder);
    const k = kubeterm(['--kubeconfig', live.kubeconfig, '--headless', folder]);
    await k.waitFor(new RegExp(`^kubeterm \\S+: attached to context "kubeterm" at ${live.url.replace(/\./g, '\\.')}, Kubernetes v1\\.\\d+`));
    await k.waitFor(/^configmap\/web-content created$/);
    await k.waitFor(/^service\/web created$/);
    await k.waitFor(/^deployment\.apps\/web created$/);
    await k.waitFor(/^SYNC .*app: 3 applied, 0 unchanged, 0 pruned, 0 failed$/);

    // The objects are in the FIRST kubeterm's store, written by kubectl-style client-side apply.
    const api = live.engine.api;
    const deploy = api.get('Deployment', 'default', 'web')!;
    expect(deploy.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain('"name":"web"');
    expect(api.get('ConfigMap', 'default', 'web-content')).toBeDefined();
    expect(api.get('Service', 'default', 'web')).toBeDefined();
    // ... and its controllers run them: Events come back over the remote watch.
    await k.waitFor(/^EVENT Normal ScalingReplicaSet deployment\/web: Scaled up replica set web-[a-z0-9]+ from 0 to 3$/);
    await waitFor(() => api.list('Pod', { namespace: 'default', filter: (p) => p.metadata.labels?.app === 'web' }).items.length === 3, '3 pods in the first engine');

    // An edited file is configured over HTTP; a deleted one is pruned.
    const file = join(folder, 'deployment.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('replicas: 3', 'replicas: 1'));
    await k.waitFor(/^deployment\.apps\/web configured$/);
    await waitFor(() => api.get('Deployment', 'default', 'web')?.spec.replicas === 1, 'replicas 1 in the first engine');
    rmSync(join(folder, 'service.yaml'));
    await k.waitFor(/^service\/web pruned$/);
    await waitFor(() => !api.get('Service', 'default', 'web'), 'the Service pruned from the first engine');

    k.child.kill('SIGTERM');
    expect(await k.exited).toBe(0);
    expect(k.stderr()).not.toMatch(/\n\s+at /);
    // The attached process ran no engine of its own: no simulated-runtime banner, no state file.
    expect(k.stdout()).not.toMatch(/runtime simulated|kubeterm \(embedded\)/);
  });

  it('exits 1 with one line when the context does not exist, the token is refused or the server does not answer', async () => {
    const k = kubeterm(['--kubeconfig', live.kubeconfig, '--context', 'prod', '--headless']);
    expect(await k.exited).toBe(1);
    expect(k.stderr().trim().split('\n')).toEqual([`kubeterm: context "prod" does not exist in ${live.kubeconfig} (it has: kubeterm)`]);

    const badToken = join(live.dir, 'bad-token');
    writeFileSync(badToken, readFileSync(live.kubeconfig, 'utf8').replace(live.token, 'wrong'));
    const refused = kubeterm(['--kubeconfig', badToken, '--headless']);
    expect(await refused.exited).toBe(1);
    expect(refused.stderr().trim().split('\n')).toEqual([
      'kubeterm: You must be logged in to the server (Unauthorized): the credentials of kubeconfig context "kubeterm" were refused',
    ]);

    const cfg = join(live.dir, 'dead');
    writeFileSync(cfg, readFileSync(live.kubeconfig, 'utf8').replace(live.url, 'https://127.0.0.1:1'));
    const dead = kubeterm(['--kubeconfig', cfg, '--headless']);
    expect(await dead.exited).toBe(1);
    expect(dead.stderr().trim().split('\n')).toEqual([
      'kubeterm: cannot reach the Kubernetes API server at https://127.0.0.1:1 (kubeconfig context "kubeterm"): connection refused',
    ]);
  });

  it('refuses engine flags with --kubeconfig as bad usage (exit 2)', async () => {
    const k = kubeterm(['--kubeconfig', live.kubeconfig, '--runtime', 'sim', '--headless']);
    expect(await k.exited).toBe(2);
    expect(k.stderr()).toContain('kubeterm: --runtime configures the embedded engine and cannot be used with --kubeconfig');
  });
});

describe('attach flags', () => {
  it('parses --kubeconfig and --context into attach options, and only when given', () => {
    const run = (argv: string[]) => {
      const c = parseCommandLine(argv);
      if (c.kind !== 'run') throw new Error('expected run');
      return c.options;
    };
    expect(run(['--kubeconfig', '/k', '--context', 'c', 'dir']).attach).toEqual({ kubeconfig: '/k', context: 'c' });
    expect(run(['--context', 'c']).attach).toEqual({ context: 'c' });
    expect(run(['--kubeconfig=/k']).attach).toEqual({ kubeconfig: '/k' });
    expect('attach' in run([])).toBe(false);
    expect(() => run(['--kubeconfig', ''])).toThrow('--kubeconfig needs a file path');
    expect(() => run(['--context', 'c', '--nodes', '3'])).toThrow('--nodes configures the embedded engine and cannot be used with --context');
    expect(() => run(['--kubeconfig'])).toThrow('flag needs an argument: --kubeconfig');
  });
});

describe('attaching to the kubeconfig an engine writes for its own API server', () => {
  it('connects with the certificate and token the engine put in it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeterm-engine-api-'));
    const engine = new Engine({ runtime: 'sim', nodes: 1, persist: false, apiServer: { port: 0 }, dataDir: dir });
    await engine.start();
    try {
      const kubeconfig = engine.apiServer?.kubeconfig;
      expect(engine.apiServer?.error).toBeUndefined();
      const client = await KubeClient.fromKubeconfig(kubeconfig);
      try {
        expect((await client.list('Node')).items.map((n) => n.metadata.name)).toEqual(['node-1']);
      } finally {
        await client.close();
      }
    } finally {
      await engine.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

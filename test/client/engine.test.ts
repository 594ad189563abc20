// The Engine behind EmbeddedClient: runtime choice with its reason, a failed
// start that leaves no lock behind, pods running on the simulated runtime with
// logs and metrics reaching the client, and a persisted restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine, dockerEndpoint } from '../../src/engine.js';
import type { LogLine } from '../../src/client/types.js';
import { FakeClock } from '../../src/util/clock.js';

let dir: string;
const engines: Engine[] = [];
const engine = (config: ConstructorParameters<typeof Engine>[0]) => {
  const e = new Engine(config);
  engines.push(e);
  return e;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeterm-engine-'));
});

afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

const nowhere = { socketPath: join(tmpdir(), 'kubeterm-no-docker.sock'), label: 'kubeterm-no-docker.sock' };

describe('Engine runtime choice', () => {
  it('falls back to the simulated runtime, loudly, when no Docker engine answers', async () => {
    const e = engine({ persist: false, runtime: 'auto', nodes: 1, docker: nowhere, clock: new FakeClock() });
    await e.start();
    expect(e.info.runtime).toBe('simulated');
    expect(e.info.runtimeReason).toMatch(/^SIMULATED: no Docker engine answered at kubeterm-no-docker\.sock \(ENOENT\)$/);
  });

  it('refuses --runtime docker without Docker, and releases the state lock it took', async () => {
    const stateFile = join(dir, 'state.json');
    const e = engine({ stateFile, runtime: 'docker', nodes: 1, docker: nowhere });
    await expect(e.start()).rejects.toThrow(/^--runtime docker: no Docker engine answered at kubeterm-no-docker\.sock \(ENOENT\); start Docker or use --runtime sim$/);
    const again = engine({ stateFile, runtime: 'sim', nodes: 1 });
    await again.start(); // the lock was released
    expect(again.stateFile).toBe(stateFile);
  });

  it('reads DOCKER_HOST only for local endpoints', () => {
    expect(dockerEndpoint({ DOCKER_HOST: 'unix:///run/user/1/docker.sock' })).toMatchObject({ socketPath: '/run/user/1/docker.sock' });
    expect(dockerEndpoint({ DOCKER_HOST: 'tcp://127.0.0.1:2375' })).toMatchObject({ host: '127.0.0.1', port: 2375 });
    expect(dockerEndpoint({ DOCKER_HOST: 'tcp://10.0.0.5:2375' })).toMatchObject({ socketPath: '/var/run/docker.sock' });
    expect(dockerEndpoint({})).toMatchObject({ socketPath: '/var/run/docker.sock' });
  });

  it('validates its config', () => {
    expect(() => new Engine({ runtime: 'sim', nodes: 0 })).toThrow('nodes must be a positive whole number, got 0');
    expect(() => new Engine({ runtime: 'podman' as 'sim', nodes: 1 })).toThrow('unknown runtime "podman"');
  });
});

describe('Engine with simulated nodes', () => {
  it('registers N nodes and system namespaces, runs pods, and serves their logs and metrics', async () => {
    const clock = new FakeClock();
    const e = engine({ persist: false, runtime: 'sim', nodes: 2, clock });
    await e.start();
    const client = e.client();
    expect((await client.list('Node')).items.map((n) => n.metadata.name)).toEqual(['node-1', 'node-2']);
    expect((await client.list('Namespace')).items.map((n) => n.metadata.name)).toEqual(
      expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease']),
    );
    await client.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'hello' },
      spec: { containers: [{ name: 'main', image: 'busybox', resources: { requests: { cpu: '100m' } } }] },
    });
    for (let i = 0; i < 50 && (await client.get('Pod', 'default', 'hello'))?.status?.phase !== 'Running'; i++) {
      clock.advance(1000);
      await e.whenIdle();
    }
    const pod = await client.get('Pod', 'default', 'hello');
    expect(pod?.status?.phase).toBe('Running');
    expect(['node-1', 'node-2']).toContain(pod?.spec.nodeName);

    const lines: LogLine[] = [];
    const ended = await new Promise<Error | undefined>((resolve) => client.logs('default', 'hello', {}, (l) => lines.push(l), resolve));
    expect(ended).toBeUndefined();
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]).toMatchObject({ pod: 'hello', container: 'main' });
    expect(lines.map((l) => l.text).join('\n')).toContain('main');

    const pm = await client.podMetrics!('default');
    expect(pm.map((m) => m.name)).toEqual(['hello']);
    const nm = await client.nodeMetrics!();
    expect(nm.map((m) => m.name)).toEqual(['node-1', 'node-2']);
    await client.close();
  });

  it('keeps objects across a restart on the same state file', async () => {
    const stateFile = join(dir, 'state.json');
    const first = engine({ stateFile, runtime: 'sim', nodes: 1 });
    await first.start();
    await first.client().apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept' }, data: { a: '1' } });
    await first.stop();
    const second = engine({ stateFile, runtime: 'sim', nodes: 1 });
    await second.start();
    expect((await second.client().get('ConfigMap', 'default', 'kept'))?.data).toEqual({ a: '1' });
  });

  it('stops the engine when a client that owns it is closed', async () => {
    const stateFile = join(dir, 'state.json');
    const e = engine({ stateFile, runtime: 'sim', nodes: 1 });
    await e.start();
    await e.client({ ownsEngine: true }).close();
    const next = engine({ stateFile, runtime: 'sim', nodes: 1 });
    await next.start(); // would throw if the lock were still held
  });
});

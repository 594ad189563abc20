// ClusterClient.execInteractive, the `kubectl exec -it` behind the UI's shell:
// the local terminal half (raw mode while attached, keys forwarded, all undone
// after), exit codes from the exec's final Status, the embedded client's
// refusal on the simulated runtime, the Kubernetes client over kubeterm's own
// API server (WebSocket exec), and a real TTY in a Docker container that runs
// what is typed, starts at the terminal's size and follows a resize.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachTerminal, exitCodeOf } from '../../src/client/exec-terminal.js';
import { KubeClient } from '../../src/client/kube.js';
import type { ExecTerminal } from '../../src/client/types.js';
import { Engine } from '../../src/engine.js';
import { until } from '../helpers/wait.js';
import { dockerOrSkipReason } from '../runtime/docker-env.js';

/** A terminal for tests: stdin we type into, stdout we read, a size we can change. */
function fakeTerminal(columns = 123, rows = 45, tty = false) {
  const stdin = Object.assign(new PassThrough(), { isTTY: tty, raw: [] as boolean[], setRawMode(m: boolean) { this.raw.push(m); return this; } });
  let out = '';
  const events = new EventEmitter();
  const stdout = Object.assign(
    new Writable({
      write(chunk, _e, cb) {
        out += chunk.toString();
        cb();
      },
    }),
    { columns, rows },
  );
  stdout.on = ((ev: string, cb: () => void) => (ev === 'resize' ? events.on(ev, cb) : Writable.prototype.on.call(stdout, ev, cb))) as typeof stdout.on;
  stdout.off = ((ev: string, cb: () => void) => (ev === 'resize' ? events.off(ev, cb) : Writable.prototype.off.call(stdout, ev, cb))) as typeof stdout.off;
  return {
    io: { stdin, stdout } as unknown as ExecTerminal,
    stdin,
    output: () => out,
    resize(c: number, r: number) {
      stdout.columns = c;
      stdout.rows = r;
      events.emit('resize');
    },
    resizeListeners: () => events.listenerCount('resize'),
  };
}

describe('the local terminal while attached', () => {
  it('is raw for a TTY session, forwards keys, and is given back whole on detach', async () => {
    const t = fakeTerminal(80, 24, true);
    const a = attachTerminal(t.io, true);
    expect(t.stdin.raw).toEqual([true]);
    const got: string[] = [];
    a.stdin.on('data', (d: Buffer) => got.push(d.toString()));
    t.stdin.write('ls\r');
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual(['ls\r']);
    const sizes: unknown[] = [];
    a.onResize((s) => sizes.push(s));
    t.resize(100, 30);
    expect(sizes).toEqual([{ width: 100, height: 30 }]);
    expect(a.stdout.columns).toBe(100);
    a.detach();
    expect(t.stdin.raw).toEqual([true, false]);
    expect(t.resizeListeners()).toBe(0);
    t.stdin.write('after');
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual(['ls\r']); // nothing typed after detach reaches the exec
    expect(a.stdin.writableEnded).toBe(true);
  });

  it('leaves raw mode alone without a TTY', () => {
    const t = fakeTerminal(80, 24, false);
    attachTerminal(t.io, true).detach();
    expect(t.stdin.raw).toEqual([]);
  });
});

describe('exit codes from the exec Status', () => {
  it('reads Success as 0, NonZeroExitCode as its ExitCode cause, and throws any other failure', () => {
    expect(exitCodeOf({ status: 'Success' })).toBe(0);
    expect(exitCodeOf({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } })).toBe(3);
    expect(() => exitCodeOf({ status: 'Failure', reason: 'InternalError', message: 'container not found ("x")' })).toThrow('container not found ("x")');
  });
});

describe('execInteractive on the embedded engine (simulated runtime)', () => {
  it('refuses with a message naming the simulated runtime, leaving the terminal alone', async () => {
    const e = new Engine({ runtime: 'sim', nodes: 1, persist: false });
    await e.start();
    try {
      const c = e.client();
      const t = fakeTerminal(80, 24, true);
      await expect(c.execInteractive({ namespace: 'default', pod: 'web', command: ['sh'], tty: true }, t.io)).rejects.toThrow(/not supported by the simulated runtime/);
      expect(t.stdin.raw).toEqual([]);
    } finally {
      await e.stop();
    }
  });
});

describe('execInteractive through the Kubernetes client (kubeterm API server, WebSocket exec)', () => {
  let engine: Engine;
  let dir: string;
  let client: KubeClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubeterm-exec-kube-'));
    engine = new Engine({ runtime: 'sim', nodes: 1, persist: false, dataDir: dir, apiServer: { host: '127.0.0.1', port: 0 }, network: false });
    await engine.start();
    await engine.client().apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'main', image: 'nginx:1.25' }] } });
    await until('the pod running', () => engine.api.get('Pod', 'default', 'web')?.status?.phase === 'Running', 30_000);
    client = await KubeClient.fromKubeconfig(engine.apiServer!.kubeconfig);
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await engine?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('carries the output and the exit code', async () => {
    const t = fakeTerminal();
    expect(await client.execInteractive({ namespace: 'default', pod: 'web', command: ['echo', 'hello', 'exec'], tty: false }, t.io)).toBe(0);
    expect(t.output()).toBe('hello exec\n');
    expect(await client.execInteractive({ namespace: 'default', pod: 'web', command: ['false'], tty: false }, fakeTerminal().io)).toBe(1);
  });

  it('says when the pod does not exist', async () => {
    await expect(client.execInteractive({ namespace: 'default', pod: 'nope', command: ['sh'], tty: true }, fakeTerminal().io)).rejects.toThrow('pods "nope" not found');
  });
});

const env = await dockerOrSkipReason();

describe.skipIf(!env.docker)('execInteractive on the Docker runtime: a real TTY', { timeout: 180_000 }, () => {
  let engine: Engine;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubeterm-exec-docker-'));
    engine = new Engine({ runtime: 'docker', nodes: 1, persist: false, dataDir: dir, network: false, apiServer: false });
    await engine.start();
    await engine.client().apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'sh-target', namespace: 'default' },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'httpd', image: 'kubeterm/httpd:latest', imagePullPolicy: 'IfNotPresent' }] },
    });
    await until('the pod running', () => engine.api.get('Pod', 'default', 'sh-target')?.status?.phase === 'Running', 120_000);
  }, 150_000);

  afterAll(async () => {
    if (!engine) return;
    // kubeterm leaves containers running across restarts on purpose; a test removes what it made.
    await engine.api.delete('Pod', 'default', 'sh-target').catch(() => {});
    await until('the pod to be gone', () => !engine.api.get('Pod', 'default', 'sh-target'), 60_000).catch(() => {});
    await engine.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs what is typed in the shell, at the terminal\'s size, following a resize, and returns its exit code', async () => {
    const t = fakeTerminal(123, 45);
    const code = engine.client().execInteractive({ namespace: 'default', pod: 'sh-target', command: ['sh', '-c', 'command -v bash >/dev/null && exec bash || exec sh'], tty: true }, t.io);
    // Docker before API 1.42 cannot create an exec at a size: the size is set by a resize just after the start,
    // as the docker CLI does, so a command typed at once may still see no size (and typed-ahead input can be
    // dropped while the shell sets up its line editing). Ask again until the shell answers with the size.
    await until('the first size and the echo', () => {
      const seen = /^45 123\r?$/m.test(t.output()) && /^inside-42\r?$/m.test(t.output());
      if (!seen) t.stdin.write('stty size; echo inside-$((6*7))\n');
      return seen;
    }, 30_000, 500).catch((e: Error) => {
      throw new Error(`${e.message}; the terminal showed: ${JSON.stringify(t.output().slice(-600))}`);
    });
    t.resize(100, 20);
    // The resize reaches Docker asynchronously: ask again until the TTY reports it.
    await until('the new size', () => {
      t.stdin.write('stty size\n');
      return /^20 100\r?$/m.test(t.output());
    }, 30_000, 300);
    t.stdin.write('exit 3\n');
    expect(await code).toBe(3);
  });
});

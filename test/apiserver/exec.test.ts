// pods/exec over WebSocket (v5.channel.k8s.io) with a raw client: channel
// framing, stdin close signal, resize, exit status, and refusals before the
// upgrade (token, missing pod, unsupported subprotocol).
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { ExecIO } from '../../src/apiserver/index.js';
import { startTestServer, type TestServer } from './harness.js';

let s: TestServer;
const resizes: { width: number; height: number }[] = [];

beforeAll(async () => {
  s = await startTestServer(
    {
      exec: async (_ns, _pod, _container, cmd, io: ExecIO) => {
        io.onResize((size) => resizes.push(size));
        let input = '';
        if (io.stdin) for await (const c of io.stdin) input += String(c);
        io.stdout?.write(`${cmd.join(' ')}|${input}`);
        io.stderr?.write('warn');
        return { exitCode: Number(cmd[1] ?? 0) };
      },
    },
    { tls: false },
  );
  await s.api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'i' }] } } as KubeObject);
});
afterAll(async () => {
  await s?.close();
});

const wsUrl = (q: string, pod = 'p') => `${s.url.replace('http', 'ws')}/api/v1/namespaces/default/pods/${pod}/exec?${q}`;

function session(q: string, opts: { token?: string; protocol?: string; send?: (ws: WebSocket) => void } = {}) {
  return new Promise<{ frames: [number, string][]; status?: number; body?: string }>((resolve) => {
    const frames: [number, string][] = [];
    const ws = new WebSocket(wsUrl(q), [opts.protocol ?? 'v5.channel.k8s.io'], { headers: { Authorization: `Bearer ${opts.token ?? s.token}` } });
    ws.on('open', () => opts.send?.(ws));
    ws.on('message', (d: Buffer) => frames.push([d[0], d.subarray(1).toString()]));
    ws.on('close', () => resolve({ frames }));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ frames, status: res.statusCode, body }));
    });
  });
}

describe('exec over WebSocket', () => {
  it('frames stdout/stderr by channel and ends with a Success status', async () => {
    const { frames } = await session('command=run&command=0&stdout=true&stderr=true');
    expect(frames).toEqual([
      [1, 'run 0|'],
      [2, 'warn'],
      [3, '{"metadata":{},"status":"Success"}'],
    ]);
  });

  it('delivers stdin until the v5 close signal, and resize messages', async () => {
    const { frames } = await session('command=cat&command=3&stdin=true&stdout=true&tty=true', {
      send: (ws) => {
        ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":120,"Height":40}')]));
        ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('typed')]));
        ws.send(Buffer.from([255, 0]));
      },
    });
    expect(frames[0]).toEqual([1, 'cat 3|typed']);
    const status = JSON.parse(frames.find((f) => f[0] === 3)![1]);
    expect(status).toEqual({
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: error executing command [cat 3], exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
    expect(resizes).toContainEqual({ width: 120, height: 40 });
    // tty merges stderr into stdout: no channel-2 frames.
    expect(frames.some((f) => f[0] === 2)).toBe(false);
  });

  it('refuses before upgrading: bad token 401, missing pod 404, no command 400, unknown subprotocol 400', async () => {
    expect((await session('command=x', { token: 'nope' })).status).toBe(401);
    const missing = await new Promise<{ status?: number; body: string }>((resolve) => {
      const ws = new WebSocket(wsUrl('command=x', 'ghost'), ['v5.channel.k8s.io'], { headers: { Authorization: `Bearer ${s.token}` } });
      ws.on('unexpected-response', (_q, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      });
    });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body).message).toBe('pods "ghost" not found');
    const noCommand = await session('stdout=true');
    expect(noCommand.status).toBe(400);
    expect(JSON.parse(noCommand.body!).message).toBe('you must specify at least 1 command');
    expect((await session('command=x', { protocol: 'base64.channel.k8s.io' })).status).toBe(400);
  });
});

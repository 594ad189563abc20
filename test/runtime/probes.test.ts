// Probes: runProbe against real sockets on 127.0.0.1 (wording as the kubelet
// prints it), and the probe workers on a FakeClock with a scripted prober.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Probe } from '../../src/api/types/pod.js';
import { ContainerProber, ProbeWorker, restartMessage, runProbe, unhealthyMessage, type ProbeKind, type ProbeResult } from '../../src/kubelet/probes/index.js';
import { FakeClock } from '../../src/util/clock.js';

let server: http.Server;
let port: number;
const seen: http.IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.headers);
    if (req.url === '/healthz') res.end('ok');
    else if (req.url === '/fail') {
      res.statusCode = 500;
      res.end('broken');
    } else if (req.url === '/moved') {
      res.statusCode = 302;
      res.setHeader('Location', 'http://example.invalid/');
      res.end();
    } else if (req.url === '/hang') {
      // never answers
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

describe('runProbe', () => {
  const target = { podIP: '127.0.0.1' };

  it('httpGet: 2xx and 3xx succeed, sends kube-probe headers and httpHeaders', async () => {
    const ok = await runProbe({ httpGet: { path: '/healthz', port, httpHeaders: [{ name: 'X-Check', value: 'yes' }] } }, target);
    expect(ok).toEqual({ result: 'success', output: 'ok' });
    expect(seen.at(-1)!['user-agent']).toMatch(/^kube-probe\//);
    expect(seen.at(-1)!['x-check']).toBe('yes');
    expect((await runProbe({ httpGet: { path: '/moved', port } }, target)).result).toBe('success');
  });

  it('httpGet: a 500 fails with the kubelet’s message', async () => {
    expect(await runProbe({ httpGet: { path: '/fail', port } }, target)).toEqual({ result: 'failure', output: 'HTTP probe failed with statuscode: 500' });
    expect((await runProbe({ httpGet: { path: '/nope', port } }, target)).output).toBe('HTTP probe failed with statuscode: 404');
  });

  it('httpGet: refused connections and timeouts read like Go’s http client', async () => {
    const p = await closedPort();
    expect(await runProbe({ httpGet: { path: '/healthz', port: p } }, target)).toEqual({
      result: 'failure',
      output: `Get "http://127.0.0.1:${p}/healthz": dial tcp 127.0.0.1:${p}: connect: connection refused`,
    });
    const t = await runProbe({ httpGet: { path: '/hang', port }, timeoutSeconds: 1 }, { ...target, timeoutMs: 200 });
    expect(t).toEqual({ result: 'failure', output: `Get "http://127.0.0.1:${port}/hang": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
  });

  it('resolves named ports from the container and reports unknown names', async () => {
    const container = { ports: [{ name: 'http', containerPort: port }] };
    expect((await runProbe({ httpGet: { path: '/healthz', port: 'http' } }, { ...target, container })).result).toBe('success');
    expect(await runProbe({ httpGet: { path: '/healthz', port: 'metrics' } }, { ...target, container })).toEqual({ result: 'failure', output: "couldn't find port: metrics" });
  });

  it('only ever targets the pod IP or loopback', async () => {
    const r = await runProbe({ httpGet: { host: '10.1.2.3', path: '/', port: 80 } }, { podIP: '172.18.0.2' });
    expect(r.result).toBe('failure');
    expect(r.output).toMatch(/probe host "10.1.2.3" refused/);
    expect((await runProbe({ tcpSocket: { host: '8.8.8.8', port: 53 } }, { podIP: '172.18.0.2' })).output).toMatch(/refused: kubeterm probes only target/);
  });

  it('tcpSocket: connect succeeds on a listening port, refused otherwise', async () => {
    expect(await runProbe({ tcpSocket: { port } }, target)).toEqual({ result: 'success', output: '' });
    const p = await closedPort();
    expect(await runProbe({ tcpSocket: { port: p } }, target)).toEqual({ result: 'failure', output: `dial tcp 127.0.0.1:${p}: connect: connection refused` });
  });

  it('exec: exit code 0 succeeds; output and timeouts are reported', async () => {
    const exec = async (cmd: string[]) => (cmd[0] === 'true' ? { exitCode: 0, stdout: 'fine\n', stderr: '' } : { exitCode: 1, stdout: '', stderr: 'nope\n' });
    expect(await runProbe({ exec: { command: ['true'] } }, { ...target, exec })).toEqual({ result: 'success', output: 'fine\n' });
    expect(await runProbe({ exec: { command: ['false'] } }, { ...target, exec })).toEqual({ result: 'failure', output: 'nope\n' });
    const slow = () => new Promise<never>(() => undefined);
    expect(await runProbe({ exec: { command: ['sh', '-c', 'sleep 9'] } }, { ...target, exec: slow, timeoutMs: 50 })).toEqual({
      result: 'failure',
      output: 'command "sh -c sleep 9" timed out',
    });
    expect((await runProbe({ exec: { command: ['x'] } }, target)).output).toMatch(/not supported by this runtime/);
  });
});

/** A prober that answers from a script per probe kind and records when it was asked. */
function scripted(clock: FakeClock, script: Partial<Record<ProbeKind, Array<'success' | 'failure'>>>, fallback: 'success' | 'failure' = 'success') {
  const calls: { kind: ProbeKind; at: number }[] = [];
  const start = clock.now();
  const prober = async (_p: Probe, kind: ProbeKind): Promise<ProbeResult> => {
    calls.push({ kind, at: (clock.now() - start) / 1000 });
    const next = script[kind]?.shift() ?? fallback;
    return { result: next, output: `${kind} ${next}` };
  };
  return { prober, calls };
}

/** Moves the fake clock second by second, letting each probe's promise settle. */
async function advance(clock: FakeClock, seconds: number) {
  for (let i = 0; i < seconds; i++) {
    clock.advance(1000);
    for (let j = 0; j < 5; j++) await Promise.resolve();
  }
}

describe('ProbeWorker', () => {
  it('waits initialDelaySeconds, probes every periodSeconds and applies the thresholds', async () => {
    const clock = new FakeClock();
    const { prober, calls } = scripted(clock, { readiness: ['failure', 'success', 'success', 'failure', 'failure', 'success', 'failure', 'failure', 'failure'] });
    const changes: string[] = [];
    const w = new ProbeWorker({
      clock,
      kind: 'readiness',
      probe: { httpGet: { port: 80 }, initialDelaySeconds: 5, periodSeconds: 10, successThreshold: 2, failureThreshold: 3 },
      prober,
      onChange: (r) => changes.push(`${(clock.now() - Date.parse('2026-01-01T00:00:00Z')) / 1000}:${r}`),
    });
    w.start();
    expect(w.result).toBe('failure'); // not ready before the first verdict
    await advance(clock, 4);
    expect(calls).toEqual([]);
    await advance(clock, 91);
    expect(calls.map((c) => c.at)).toEqual([5, 15, 25, 35, 45, 55, 65, 75, 85, 95]);
    // f, s, s(→ready at 25), f, f, s (run reset), f, f, f(→not ready at 85)
    expect(changes).toEqual(['25:success', '85:failure']);
    w.stop();
    await advance(clock, 30);
    expect(calls).toHaveLength(10);
    expect(clock.timers).toBe(0);
  });

  it('liveness: a restart verdict after failureThreshold consecutive failures, then holds', async () => {
    const clock = new FakeClock();
    const { prober, calls } = scripted(clock, { liveness: ['failure', 'failure', 'success', 'failure', 'failure', 'failure'] });
    const verdicts: string[] = [];
    const w = new ProbeWorker({ clock, kind: 'liveness', probe: { exec: { command: ['x'] }, periodSeconds: 1, failureThreshold: 3 }, prober, onChange: (r, o) => verdicts.push(`${r}:${o}`) });
    w.start();
    expect(w.result).toBe('success');
    await advance(clock, 10);
    expect(verdicts).toEqual(['failure:liveness failure']);
    expect(calls).toHaveLength(6); // on hold after the verdict: the container is being restarted
  });

  it('skips ticks while an attempt is still in flight', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const w = new ProbeWorker({ clock, kind: 'readiness', probe: { tcpSocket: { port: 1 }, periodSeconds: 1 }, prober: () => (calls++, new Promise<never>(() => undefined)), onChange: () => undefined });
    w.start();
    await advance(clock, 5);
    expect(calls).toBe(1);
    w.stop();
  });
});

describe('ContainerProber', () => {
  it('gates liveness and readiness on the startup probe, then reports readiness transitions', async () => {
    const clock = new FakeClock();
    const { prober, calls } = scripted(clock, { startup: ['failure', 'failure', 'success'], readiness: ['success', 'failure'] });
    const events: string[] = [];
    const p = new ContainerProber({
      clock,
      container: {
        startupProbe: { exec: { command: ['s'] }, periodSeconds: 2, failureThreshold: 10 },
        livenessProbe: { exec: { command: ['l'] }, periodSeconds: 3 },
        readinessProbe: { exec: { command: ['r'] }, periodSeconds: 3, failureThreshold: 1 },
      },
      prober,
      onReady: (ready) => events.push(`ready=${ready}`),
      onRestart: (kind) => events.push(`restart:${kind}`),
    });
    p.start();
    expect(p.started).toBe(false);
    await advance(clock, 4);
    expect(calls.map((c) => `${c.kind}@${c.at}`)).toEqual(['startup@0', 'startup@2', 'startup@4']);
    expect(p.started).toBe(true);
    expect(p.ready).toBe(false);
    await advance(clock, 3);
    expect(calls.filter((c) => c.kind !== 'startup').map((c) => `${c.kind}@${c.at}`)).toEqual(['liveness@6', 'readiness@6']);
    expect(events).toEqual(['ready=true']);
    await advance(clock, 3);
    expect(events).toEqual(['ready=true', 'ready=false']);
    expect(calls.filter((c) => c.kind === 'startup')).toHaveLength(3); // the startup probe stops once it passed
    p.stop();
  });

  it('reports every attempt for Unhealthy Events, in the kubelet’s words', async () => {
    const clock = new FakeClock();
    const { prober } = scripted(clock, { readiness: ['failure', 'success'] });
    const events: string[] = [];
    const p = new ContainerProber({
      clock,
      container: { readinessProbe: { httpGet: { port: 80 }, periodSeconds: 1 } },
      prober,
      onReady: () => undefined,
      onRestart: () => undefined,
      onAttempt: (kind, r) => r.result === 'failure' && events.push(unhealthyMessage(kind, r.output)),
    });
    p.start();
    await advance(clock, 2);
    p.stop();
    expect(events).toEqual(['Readiness probe failed: readiness failure']);
    expect(restartMessage('web', 'liveness')).toBe('Container web failed liveness probe, will be restarted');
  });

  it('restarts on a startup verdict; without probes a running container is ready at once', async () => {
    const clock = new FakeClock();
    const { prober } = scripted(clock, {}, 'failure');
    const events: string[] = [];
    const p = new ContainerProber({
      clock,
      container: { startupProbe: { exec: { command: ['s'] }, periodSeconds: 1, failureThreshold: 3 }, livenessProbe: { exec: { command: ['l'] } } },
      prober,
      onReady: (r) => events.push(`ready=${r}`),
      onRestart: (kind, out) => events.push(`restart:${kind}:${out}`),
    });
    p.start();
    await advance(clock, 5);
    expect(events).toEqual(['restart:startup:startup failure']);
    p.stop();

    const ready: boolean[] = [];
    const plain = new ContainerProber({ clock, container: {}, prober, onReady: (r) => ready.push(r), onRestart: () => undefined });
    plain.start();
    expect(ready).toEqual([true]);
  });
});

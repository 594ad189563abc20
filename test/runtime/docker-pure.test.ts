// The DockerDriver's pure pieces: stream framing, line splitting, timestamps,
// stats arithmetic, status mapping and error wording — no engine needed.
import { describe, expect, it } from 'vitest';
import { FrameDecoder, LineSplitter, dockerError, splitTimestamp, statsFromDocker, statusFromInspect } from '../../src/kubelet/runtime/docker/index.js';

function frame(type: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = type;
  head.writeUInt32BE(payload.length, 4);
  return Buffer.concat([head, payload]);
}

describe('FrameDecoder and LineSplitter', () => {
  it('decodes interleaved stdout/stderr frames in order, across arbitrary chunk boundaries', () => {
    const all = Buffer.concat([frame(1, 'out one\nout '), frame(2, 'err one\n'), frame(1, 'two\n')]);
    for (const size of [1, 3, 7, all.length]) {
      const got: string[] = [];
      const split = { stdout: new LineSplitter((l) => got.push(`o:${l}`)), stderr: new LineSplitter((l) => got.push(`e:${l}`)) };
      const dec = new FrameDecoder((s, p) => split[s].push(p.toString()));
      for (let i = 0; i < all.length; i += size) dec.push(all.subarray(i, i + size));
      split.stdout.flush();
      split.stderr.flush();
      expect(got).toEqual(['o:out one', 'e:err one', 'o:out two']);
    }
  });

  it('keeps a partial line until flushed and strips CR', () => {
    const got: string[] = [];
    const s = new LineSplitter((l) => got.push(l));
    s.push('a\r\nb');
    expect(got).toEqual(['a']);
    s.flush();
    expect(got).toEqual(['a', 'b']);
  });

  it('splits Docker timestamps off log lines', () => {
    expect(splitTimestamp('2026-11-22T05:18:12.853252611Z hello world')).toEqual({ time: '2026-11-22T05:18:12.853252611Z', line: 'hello world' });
    expect(splitTimestamp('2026-11-22T05:18:12.853252611Z')).toEqual({ time: '2026-11-22T05:18:12.853252611Z', line: '' });
    expect(splitTimestamp('no timestamp here')).toEqual({ line: 'no timestamp here' });
  });
});

describe('statsFromDocker', () => {
  it('computes cores from the cpu delta and the working set from usage minus inactive file', () => {
    expect(
      statsFromDocker({
        cpu_stats: { cpu_usage: { total_usage: 2_500_000_000 }, system_cpu_usage: 20_000_000_000, online_cpus: 2 },
        precpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 18_000_000_000 },
        memory_stats: { usage: 50 * 2 ** 20, stats: { total_inactive_file: 10 * 2 ** 20 } },
      }),
    ).toEqual({ cpu: 0.5, memory: 40 * 2 ** 20 });
    expect(statsFromDocker({ memory_stats: { usage: 1000, stats: { inactive_file: 200 } } })).toEqual({ cpu: 0, memory: 800 });
  });
});

describe('statusFromInspect', () => {
  const base = (state: Record<string, unknown>) =>
    ({
      Id: 'abc',
      Name: '/k8s_main',
      Image: 'sha256:123',
      Config: { Image: 'busybox', Labels: { 'io.kubeterm.pod.uid': 'u1', 'io.kubeterm.container.name': 'main', 'io.kubeterm.container.attempt': '3' } },
      State: { Status: 'exited', Running: false, Paused: false, Restarting: false, OOMKilled: false, ExitCode: 0, Error: '', StartedAt: '2026-01-01T00:00:00Z', FinishedAt: '2026-01-01T00:00:05Z', ...state },
    }) as any;

  it('maps exit, OOM and running states to kubelet reasons', () => {
    expect(statusFromInspect(base({}))).toMatchObject({ id: 'abc', podUid: 'u1', name: 'main', attempt: 3, state: 'exited', exitCode: 0, reason: 'Completed', imageId: 'docker://sha256:123' });
    expect(statusFromInspect(base({ ExitCode: 2 }))).toMatchObject({ exitCode: 2, reason: 'Error' });
    expect(statusFromInspect(base({ ExitCode: 137, OOMKilled: true }))).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
    const running = statusFromInspect(base({ Status: 'running', Running: true, FinishedAt: '0001-01-01T00:00:00Z' }));
    expect(running).toEqual({ id: 'abc', podUid: 'u1', name: 'main', attempt: 3, image: 'busybox', imageId: 'docker://sha256:123', state: 'running', startedAt: '2026-01-01T00:00:00Z' });
    expect(statusFromInspect(base({ Status: 'created', StartedAt: '0001-01-01T00:00:00Z' })).state).toBe('created');
  });
});

describe('dockerError', () => {
  it('says the daemon cannot be reached, or carries the engine’s message', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(dockerError('ping', refused, '/var/run/docker.sock').message).toBe(
      'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running? (ping: ECONNREFUSED)',
    );
    const http = Object.assign(new Error('(HTTP code 404) no such container'), { statusCode: 404, json: { message: 'No such container: x' } });
    expect(dockerError('inspect x', http).message).toBe('docker inspect x: No such container: x');
  });
});

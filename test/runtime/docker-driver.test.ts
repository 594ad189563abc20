// DockerDriver against the real engine: sandboxes, containers, logs, exec,
// limits, graceful stop, re-adoption, pulls, and the shared pod namespace.
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { DockerDriver } from '../../src/kubelet/runtime/docker/index.js';
import { ImagePullError, type ContainerConfig, type ContainerEvent, type LogChunk, type SandboxInfo } from '../../src/kubelet/runtime/types.js';
import { TEST_IMAGE, cleanupDocker, dockerOrSkipReason, testPod, uniqueInstance, waitFor } from './docker-env.js';

const env = await dockerOrSkipReason();
const instance = uniqueInstance('kt-test-driver');
const network = `${instance}-net`;

function cfgFor(pod: KubeObject, name: string, extra: Partial<ContainerConfig> = {}): ContainerConfig {
  return {
    podUid: pod.metadata.uid!,
    podName: pod.metadata.name!,
    podNamespace: pod.metadata.namespace!,
    name,
    attempt: 0,
    image: TEST_IMAGE,
    env: [],
    mounts: [],
    spec: { name },
    ...extra,
  };
}

describe.skipIf(!env.docker)('DockerDriver (real Docker)', () => {
  let driver: DockerDriver;
  const tmpDirs: string[] = [];

  beforeAll(() => {
    driver = new DockerDriver({ docker: env.docker!, instance, network });
  });

  afterAll(async () => {
    await driver?.close();
    await cleanupDocker(env.docker!, instance, network);
    for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
  });

  async function runPod(name: string, containers: Partial<ContainerConfig>[]): Promise<{ pod: KubeObject; sb: SandboxInfo; ids: string[] }> {
    const pod = testPod(name, containers.map((c) => ({ name: c.name ?? 'main', image: TEST_IMAGE })));
    const sb = await driver.runSandbox({ pod, instance });
    const ids: string[] = [];
    for (const c of containers) {
      const id = await driver.createContainer(sb, cfgFor(pod, c.name ?? 'main', c));
      await driver.startContainer(id);
      ids.push(id);
    }
    return { pod, sb, ids };
  }

  async function exited(id: string, timeoutMs = 15_000) {
    return waitFor(async () => {
      const s = await driver.containerStatus(id);
      return s?.state === 'exited' ? s : undefined;
    }, timeoutMs, `container ${id.slice(0, 12)} to exit`);
  }

  it('pings and reports node resources from docker info', async () => {
    await driver.ping();
    const r = await driver.nodeResources();
    expect(r.cpu).toBeGreaterThanOrEqual(1);
    expect(r.memory).toBeGreaterThan(100 * 2 ** 20);
    expect(r.runtimeVersion).toMatch(/^docker:\/\/\d+\./);
    expect(r.arch).not.toBe('x86_64');
    expect(r.os).toBe('linux');
    expect(r.kernelVersion).toBeTruthy();
  });

  it('runs a sandbox with a pod IP on its network and a container whose logs it reads', async () => {
    const { sb, ids, pod } = await runPod('logs', [{ command: ['sh', '-c', 'echo hello; echo oops >&2; echo "$(hostname)"'] }]);
    expect(sb.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const net = await env.docker!.getNetwork(network).inspect();
    expect(net.Driver).toBe('bridge');
    const st = await exited(ids[0]);
    expect(st).toMatchObject({ exitCode: 0, reason: 'Completed', name: 'main', attempt: 0, podUid: pod.metadata.uid });
    expect(st.startedAt).toMatch(/^\d{4}-/);
    expect(st.finishedAt).toMatch(/^\d{4}-/);
    expect(st.imageId).toMatch(/^docker:\/\/sha256:/);
    const chunks: LogChunk[] = [];
    await driver.logs(ids[0], {}, (c) => chunks.push(c));
    // Order within a stream is kept; across stdout/stderr Docker's log file decides.
    expect(chunks.filter((c) => c.stream === 'stdout').map((c) => c.line)).toEqual(['hello', 'logs']);
    expect(chunks.filter((c) => c.stream === 'stderr').map((c) => c.line)).toEqual(['oops']);
    expect(chunks[0].time).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    const tail: LogChunk[] = [];
    await driver.logs(ids[0], { tailLines: 1 }, (c) => tail.push(c));
    expect(tail).toHaveLength(1);
    expect(chunks.at(-1)).toEqual(tail[0]); // the last line, whichever stream it came from
  });

  it('follows logs until aborted', async () => {
    const { ids } = await runPod('follow', [{ command: ['sh', '-c', 'i=0; while :; do echo line$i; i=$((i+1)); sleep 0.1; done'] }]);
    const ac = new AbortController();
    const lines: string[] = [];
    const done = driver.logs(ids[0], { follow: true }, (c) => {
      lines.push(c.line);
      if (lines.length >= 5) ac.abort();
    }, ac.signal);
    await done;
    expect(lines.slice(0, 5)).toEqual(['line0', 'line1', 'line2', 'line3', 'line4']);
  });

  it('passes env, args and workingDir through; exec captures output and exit code', async () => {
    const { ids } = await runPod('exec', [
      {
        command: ['sh', '-c'],
        args: ['echo "$GREETING from $(pwd)"; sleep 30'],
        workingDir: '/tmp',
        env: [{ name: 'GREETING', value: 'hi there' }],
      },
    ]);
    const lines = await waitFor(async () => {
      const out: string[] = [];
      await driver.logs(ids[0], {}, (c) => out.push(c.line));
      return out.length ? out : undefined;
    });
    expect(lines).toEqual(['hi there from /tmp']);
    const r = await driver.exec(ids[0], ['sh', '-c', 'echo out; echo err >&2; echo $GREETING; exit 3']);
    expect(r).toEqual({ exitCode: 3, stdout: 'out\nhi there\n', stderr: 'err\n' });
    const ok = await driver.exec(ids[0], ['true']);
    expect(ok.exitCode).toBe(0);
    await expect(driver.exec(ids[0], ['sleep', '5'], undefined, 300)).rejects.toThrow(/timed out after 300ms/);
    // stdin is piped in and closed; output also goes to the given streams; a tty merges into stdout.
    const seen: Buffer[] = [];
    const sink = new PassThrough().on('data', (d: Buffer) => seen.push(d));
    const piped = await driver.exec(ids[0], ['sh', '-c', 'cat; echo done'], { stdin: Readable.from(['abc\n']), stdout: sink }, 5000);
    expect(piped).toEqual({ exitCode: 0, stdout: 'abc\ndone\n', stderr: '' });
    expect(Buffer.concat(seen).toString()).toBe('abc\ndone\n');
    const tty = await driver.exec(ids[0], ['sh', '-c', 'tty; echo err >&2'], { tty: true }, 5000);
    expect(tty.stdout).toMatch(/^\/dev\/pts\/\d+\r\nerr\r\n$/);
    const stats = await driver.stats(ids[0]);
    expect(stats!.memory).toBeGreaterThan(0);
    expect(stats!.cpu).toBeGreaterThanOrEqual(0);
  });

  it('enforces the memory limit: a container that outgrows it ends OOMKilled', async () => {
    const { ids } = await runPod('oom', [{ command: ['sh', '-c', 'x=a; while :; do x=$x$x; done'], memoryLimit: 8 * 2 ** 20 }]);
    const info = await env.docker!.getContainer(ids[0]).inspect();
    expect(info.HostConfig.Memory).toBe(8 * 2 ** 20);
    expect(info.HostConfig.MemorySwap).toBe(8 * 2 ** 20);
    const st = await exited(ids[0], 20_000);
    expect(st.reason).toBe('OOMKilled');
    expect(st.exitCode).toBe(137);
  });

  it('maps cpu limit, runAsUser and tty onto the container', async () => {
    const { ids } = await runPod('limits', [{ command: ['sleep', '30'], cpuLimit: 0.5, runAsUser: 65534, tty: true }]);
    const info = await env.docker!.getContainer(ids[0]).inspect();
    expect(info.HostConfig.NanoCpus).toBe(500_000_000);
    expect(info.Config.User).toBe('65534');
    expect(info.Config.Tty).toBe(true);
    const r = await driver.exec(ids[0], ['id', '-u']);
    expect(r.stdout.trim()).toBe('65534');
  });

  it('stops gracefully: a TERM-trapping container exits promptly, one ignoring TERM is killed after the grace', async () => {
    const { ids } = await runPod('grace', [
      { name: 'polite', command: ['sh', '-c', 'trap "echo bye; exit 0" TERM; while :; do sleep 0.2; done'] },
      { name: 'stubborn', command: ['sh', '-c', 'trap "" TERM; while :; do sleep 0.2; done'] },
    ]);
    await waitFor(async () => (await driver.containerStatus(ids[1]))?.state === 'running');
    await new Promise((r) => setTimeout(r, 300)); // let the shells install their traps
    let t = Date.now();
    await driver.stopContainer(ids[0], 10);
    const politeMs = Date.now() - t;
    expect(politeMs).toBeLessThan(5000);
    const polite = await driver.containerStatus(ids[0]);
    expect(polite).toMatchObject({ state: 'exited', exitCode: 0, reason: 'Completed' });
    t = Date.now();
    await driver.stopContainer(ids[1], 2);
    const stubbornMs = Date.now() - t;
    expect(stubbornMs).toBeGreaterThanOrEqual(1900);
    expect(stubbornMs).toBeLessThan(10_000);
    expect(await driver.containerStatus(ids[1])).toMatchObject({ state: 'exited', exitCode: 137, reason: 'Error' });
    // Stopping again, or a container that is gone, is not an error.
    await driver.stopContainer(ids[1], 1);
    await driver.removeContainer(ids[1]);
    await driver.removeContainer(ids[1]);
    expect(await driver.containerStatus(ids[1])).toBeUndefined();
  });

  it('lists what an instance owns so a restarted kubelet can adopt it; removeSandbox removes everything', async () => {
    const { pod, sb, ids } = await runPod('adopt', [
      { name: 'a', command: ['sleep', '30'], attempt: 2 },
      { name: 'b', command: ['sleep', '30'] },
    ]);
    const restarted = new DockerDriver({ docker: env.docker!, instance, network });
    const sandboxes = await restarted.listSandboxes(instance);
    expect(sandboxes).toContainEqual({ id: sb.id, podUid: pod.metadata.uid, ip: sb.ip });
    const mine = (await restarted.listContainers(instance)).filter((c) => c.podUid === pod.metadata.uid);
    expect(mine.map((c) => [c.name, c.attempt, c.state]).sort()).toEqual([
      ['a', 2, 'running'],
      ['b', 0, 'running'],
    ]);
    expect(await restarted.listContainers(uniqueInstance('someone-else'))).toEqual([]);
    // runSandbox for a pod whose sandbox is running reuses it.
    expect(await restarted.runSandbox({ pod, instance })).toEqual(sb);

    await restarted.stopSandbox(pod.metadata.uid!);
    expect((await restarted.containerStatus(ids[0]))?.state).toBe('exited');
    await restarted.removeSandbox(pod.metadata.uid!);
    const left = await env.docker!.listContainers({ all: true, filters: { label: [`io.kubeterm.pod.uid=${pod.metadata.uid}`] } });
    expect(left).toEqual([]);
    await restarted.close();
  });

  it('shares the pod network namespace and an emptyDir between two containers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kt-emptydir-'));
    tmpDirs.push(dir);
    const mounts = [{ hostPath: dir, containerPath: '/data', readOnly: false }];
    const { ids, sb } = await runPod('shared', [
      { name: 'web', command: ['sh', '-c', 'echo shared-page > /data/index.html; exec httpd -f -p 8080 -h /data'], mounts },
      {
        name: 'client',
        command: ['sh', '-c', 'for i in $(seq 1 100); do wget -q -O - http://127.0.0.1:8080/index.html && break; sleep 0.1; done; echo written > /data/from-client'],
        mounts,
      },
    ]);
    const st = await exited(ids[1]);
    expect(st.exitCode).toBe(0);
    const lines: string[] = [];
    await driver.logs(ids[1], {}, (c) => lines.push(c.line));
    expect(lines).toContain('shared-page');
    expect(readFileSync(join(dir, 'from-client'), 'utf8')).toBe('written\n');
    // The pod IP answers from the host too (the pod network is a real bridge).
    const res = await fetch(`http://${sb.ip}:8080/index.html`);
    expect(await res.text()).toBe('shared-page\n');
    // A read-only mount is read-only.
    const pod2 = testPod('ro');
    const sb2 = await driver.runSandbox({ pod: pod2, instance });
    const id = await driver.createContainer(sb2, cfgFor(pod2, 'main', { command: ['sh', '-c', 'echo x > /data/nope'], mounts: [{ ...mounts[0], readOnly: true }] }));
    await driver.startContainer(id);
    expect((await exited(id)).exitCode).not.toBe(0);
    expect(existsSync(join(dir, 'nope'))).toBe(false);
  });

  it('tells the kubelet at once when a container exits', async () => {
    const events: ContainerEvent[] = [];
    const off = driver.onContainerEvent((ev) => events.push(ev));
    // No wait: events since the subscription are replayed even if the stream attaches late.
    const { ids, pod } = await runPod('events', [{ command: ['sh', '-c', 'sleep 0.3; exit 4'] }]);
    await waitFor(async () => events.some((e) => e.id === ids[0] && e.state === 'exited'), 10_000, 'exit event');
    expect(events.find((e) => e.id === ids[0] && e.state === 'running')?.podUid).toBe(pod.metadata.uid);
    off();
  });

  it('knows which images are present; a pull that fails carries Docker’s message in an ImagePullError', async () => {
    expect(await driver.imagePresent(TEST_IMAGE)).toBe(true);
    expect(await driver.imagePresent('busybox')).toBe(true);
    expect(await driver.imagePresent('kubeterm-test/does-not-exist:1')).toBe(false);
    // Present locally: a pull of the local tag still goes to the registry, which is unreachable here.
    const err = await driver.pullImage('kubeterm-test/does-not-exist:1').catch((e) => e);
    expect(err).toBeInstanceOf(ImagePullError);
    expect(err.image).toBe('kubeterm-test/does-not-exist:1');
    // Docker's own words, not a wrapper's: e.g. `Get "https://registry-1.docker.io/v2/": dial tcp: lookup … no such host`.
    expect(err.message).not.toMatch(/^docker /);
    expect(err.message).toMatch(/registry|pull access denied|not found|dial tcp|no such host|connection refused|timeout/i);
  });

  it('reports a command that cannot start as StartError with exit code 128', async () => {
    const pod = testPod('starterror');
    const sb = await driver.runSandbox({ pod, instance });
    const id = await driver.createContainer(sb, cfgFor(pod, 'main', { command: ['/no/such/binary'] }));
    await expect(driver.startContainer(id)).rejects.toThrow(/^docker start container [0-9a-f]{12}: .*no such file or directory/);
    const st = await driver.containerStatus(id);
    expect(st).toMatchObject({ state: 'exited', reason: 'StartError', exitCode: 128 });
    expect(st!.message).toMatch(/\/no\/such\/binary/);
  });

  it('creates its network when missing, and again if it was removed under it', async () => {
    const net2 = `${network}-2`;
    const d2 = new DockerDriver({ docker: env.docker!, instance, network: net2 });
    try {
      const pod = testPod('netagain');
      await d2.runSandbox({ pod, instance });
      expect((await env.docker!.getNetwork(net2).inspect()).Labels).toMatchObject({ 'io.kubeterm.network': 'true' });
      await d2.removeSandbox(pod.metadata.uid!);
      await env.docker!.getNetwork(net2).remove();
      const again = await d2.runSandbox({ pod: testPod('netagain2'), instance });
      expect(again.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    } finally {
      await cleanupDocker(env.docker!, instance);
      await env.docker!.getNetwork(net2).remove().catch(() => undefined);
      await d2.close();
    }
  });

  it('creating a container from a missing image fails with Docker’s message', async () => {
    const pod = testPod('noimage');
    const sb = await driver.runSandbox({ pod, instance });
    await expect(driver.createContainer(sb, cfgFor(pod, 'main', { image: 'kubeterm-test/missing:9' }))).rejects.toThrow(/No such image: kubeterm-test\/missing:9/);
  });
});

describe('DockerDriver without an engine', () => {
  it('says Docker cannot be reached', async () => {
    const driver = new DockerDriver({ docker: new Dockerode({ socketPath: '/nonexistent/docker.sock' }), instance: 'x' });
    await expect(driver.ping()).rejects.toThrow(/Cannot connect to the Docker daemon at unix:\/\/.*Is the docker daemon running\?/);
    await expect(driver.listContainers('x')).rejects.toThrow(/Cannot connect to the Docker daemon/);
    await expect(driver.nodeResources()).rejects.toThrow(/Cannot connect to the Docker daemon/);
  });
});

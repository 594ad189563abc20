// ProcessDriver: real child processes of the test runner — start, logs (ring
// and CRI log file), exit codes, graceful stop with SIGTERM then SIGKILL.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { ProcessDriver } from '../../src/kubelet/runtime/process/index.js';
import type { ContainerConfig, ContainerEvent, LogChunk } from '../../src/kubelet/runtime/types.js';
import { waitFor } from './docker-env.js';

const stateDir = mkdtempSync(join(tmpdir(), 'kt-proc-'));
const driver = new ProcessDriver({ instance: 'proc-test', stateDir, logRingLines: 3 });
let n = 0;

afterAll(async () => {
  await driver.close();
  rmSync(stateDir, { recursive: true, force: true });
});

async function start(command: string[], extra: Partial<ContainerConfig> = {}) {
  const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${++n}`, namespace: 'default', uid: `uid-${n}` }, spec: { containers: [] } };
  const sb = await driver.runSandbox({ pod, instance: 'proc-test' });
  const id = await driver.createContainer(sb, {
    podUid: pod.metadata.uid!,
    podName: pod.metadata.name!,
    podNamespace: 'default',
    name: 'main',
    attempt: 0,
    image: 'ignored:latest',
    command,
    env: [],
    mounts: [],
    spec: {},
    ...extra,
  });
  await driver.startContainer(id);
  return { id, sb, uid: pod.metadata.uid! };
}

const lines = async (id: string, opts = {}) => {
  const out: LogChunk[] = [];
  await driver.logs(id, opts, (c) => out.push(c));
  return out;
};

describe('ProcessDriver (host processes, no isolation)', () => {
  it('runs command+args with env and workingDir; logs come from the ring and a CRI log file', async () => {
    const { id, sb } = await start(['sh', '-c'], { args: ['echo hi; echo "$GREETING in $(pwd)"; echo oops >&2; sleep 30'], env: [{ name: 'GREETING', value: 'hello' }], workingDir: '/tmp' });
    expect(sb.ip).toBe('127.0.0.1');
    await waitFor(async () => (await lines(id)).length >= 3, 5000, 'three log lines');
    const out = await lines(id);
    expect(out.filter((c) => c.stream === 'stdout').map((c) => c.line)).toEqual(['hi', 'hello in /tmp']);
    expect(out.filter((c) => c.stream === 'stderr').map((c) => c.line)).toEqual(['oops']);
    expect(out[0].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect((await lines(id, { tailLines: 1 })).length).toBe(1);
    const st = await driver.containerStatus(id);
    expect(st).toMatchObject({ state: 'running', name: 'main', attempt: 0 });
    const stats = await driver.stats(id);
    expect(stats!.memory).toBeGreaterThan(0);
    const logDir = join(stateDir, 'pods', st!.podUid);
    const file = readdirSync(logDir).find((f) => f.endsWith('.log'))!;
    expect(readFileSync(join(logDir, file), 'utf8')).toMatch(/^\S+Z stdout F hi\n/);
    await expect(driver.exec(id, ['ls'])).rejects.toThrow(/exec is not supported by the process runtime/);
    await driver.stopContainer(id, 0);
  });

  it('keeps older lines in the log file once the ring overflows', async () => {
    const { id } = await start(['sh', '-c', 'for i in 1 2 3 4 5 6; do echo line$i; done']);
    await waitFor(async () => (await driver.containerStatus(id))?.state === 'exited');
    await waitFor(async () => (await lines(id)).length >= 6, 5000, 'all lines');
    expect((await lines(id)).map((c) => c.line)).toEqual(['line1', 'line2', 'line3', 'line4', 'line5', 'line6']);
    expect((await lines(id, { tailLines: 2 })).map((c) => c.line)).toEqual(['line5', 'line6']);
  });

  it('reports exit codes and a Completed/Error reason, and tells listeners', async () => {
    const events: ContainerEvent[] = [];
    const off = driver.onContainerEvent((e) => events.push(e));
    const { id } = await start(['sh', '-c', 'exit 3']);
    const st = await waitFor(async () => {
      const s = await driver.containerStatus(id);
      return s?.state === 'exited' ? s : undefined;
    });
    expect(st).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(st.finishedAt).toBeTruthy();
    expect(events.filter((e) => e.id === id).map((e) => e.state)).toEqual(['running', 'exited']);
    off();
    const ok = await start(['true']);
    await waitFor(async () => (await driver.containerStatus(ok.id))?.state === 'exited');
    expect(await driver.containerStatus(ok.id)).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });

  it('stops with SIGTERM, then SIGKILL after the grace period', async () => {
    const polite = await start(['sh', '-c', 'trap "exit 0" TERM; echo ready; while :; do sleep 0.1; done']);
    const stubborn = await start(['sh', '-c', 'trap "" TERM; echo ready; while :; do sleep 0.1; done']);
    await waitFor(async () => (await lines(polite.id)).length > 0 && (await lines(stubborn.id)).length > 0, 5000, 'both ready');
    let t = Date.now();
    await driver.stopContainer(polite.id, 10);
    expect(Date.now() - t).toBeLessThan(3000);
    expect(await driver.containerStatus(polite.id)).toMatchObject({ state: 'exited', exitCode: 0 });
    t = Date.now();
    await driver.stopContainer(stubborn.id, 1);
    const took = Date.now() - t;
    expect(took).toBeGreaterThanOrEqual(950);
    expect(took).toBeLessThan(5000);
    expect(await driver.containerStatus(stubborn.id)).toMatchObject({ state: 'exited', exitCode: 137, reason: 'Error' });
  });

  it('lists by instance, removes a sandbox with its containers, and explains what it cannot run', async () => {
    const { id, uid } = await start(['sleep', '30']);
    expect((await driver.listContainers('proc-test')).some((c) => c.id === id)).toBe(true);
    expect(await driver.listContainers('other')).toEqual([]);
    expect((await driver.listSandboxes('proc-test')).some((s) => s.podUid === uid)).toBe(true);
    await driver.removeSandbox(uid);
    expect(await driver.containerStatus(id)).toBeUndefined();
    expect(existsSync(join(stateDir, 'pods', uid))).toBe(false);
    await expect(start([])).rejects.toThrow(/has no command or args/);
    await expect(start(['/nonexistent/binary'])).rejects.toThrow(/executable file not found/);
    expect(await driver.imagePresent('anything:1')).toBe(true);
    const res = await new ProcessDriver({ instance: 'x', stateDir, resources: { cpu: 3, memory: undefined } }).nodeResources();
    expect(res.cpu).toBe(3);
    expect(res.memory).toBeGreaterThan(0);
    expect(res.runtimeVersion).toMatch(/^process:\/\//);
  });
});

// The pods view at 10,000 pods (issue #16): what every frame costs, and how
// long a keypress waits for its frame while a rollout keeps the watch busy.
//   A. FakeClock, one frame at a time (deterministic):
//      - update frames: one pod changes (watch event → coalesced redraw), and a
//        burst of 200 changes in one frame;
//      - keypress frames: j/k (cursor), shift-t/shift-n (re-sort 10k rows),
//        and typing a filter (filter 10k rows again);
//      - clock ticks (ages move on).
//   B. Real clock, a rollout: every pod of a Deployment is replaced (old pod
//      Terminating → gone, new pod ContainerCreating → Running) by a driver that
//      emits ~10,000 watch events a second, while j/k arrive every 40–90 ms. A
//      key's latency runs from when it was due (the driver's timer fires late
//      while the thread renders — a real terminal's key waits the same way) to
//      the first frame written after the key was handled. Every frame of the
//      rollout is timed too, from the timer or key that caused it to its write.
// Uses the real <App> over an in-memory FakeClusterClient, in colour; prints p50/p99 and
// counts in milliseconds, asserts nothing. BENCH_SCALE shrinks pods and samples.
//   node --import tsx bench/ui-10k.bench.tsx
// React's development build profiles every prop diff; measure what users run.
process.env.NODE_ENV ??= 'production';
// A terminal shows colours (status tones, the inverse cursor row), and Ink's cost per changed
// line is in parsing them: draw them here too (chalk reads this when it loads, below).
process.env.FORCE_COLOR ??= '1';
import type { KubeObject } from '../src/api/meta.js';
import { FakeClock, realClock, type Clock } from '../src/util/clock.js';
import { FakeClusterClient } from '../test/ui/fake-client.js';
import { node, pod, T0 } from '../test/ui/fixtures.js';
import { isMain, scaled, summary } from './stats.js';

const PODS = scaled(10000);
const SAMPLES = Math.max(20, scaled(200));
const ROLLOUT_STEP_MS = 10;
const ROLLOUT_STEPS = Math.max(50, scaled(600));
const SIZE = { columns: 160, rows: 50 };
const WATCH_FRAME_MS = 100;

const immediate = () => new Promise<void>((r) => setImmediate(r));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A deterministic pseudo-random sequence (the runs of both trees see the same keys). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

type Inst = {
  stdin: { write(s: string): void };
  stdout: { write: (frame: string) => void };
  frames: string[];
  lastFrame(): string | undefined;
  unmount(): void;
};

async function mount(client: FakeClusterClient, clock: Clock): Promise<Inst> {
  // Imported here so NODE_ENV above is set before React loads.
  const { render } = await import('ink-testing-library');
  const { App } = await import('../components/index.js');
  const { createElement } = await import('react'); // no JSX: the JSX runtime import would load React before NODE_ENV is set
  return render(createElement(App, { client, version: 'bench', clock, size: SIZE })) as unknown as Inst;
}

function oldPod(i: number): KubeObject {
  return pod(`web-5d8f9-${String(i).padStart(5, '0')}`, { ns: 'default', node: i % 2 ? 'node-1' : 'node-2', owner: { kind: 'ReplicaSet', name: 'web-5d8f9', uid: 'uid-rs-old' } });
}

function newPod(i: number, phase: 'Pending' | 'Running'): KubeObject {
  return pod(`web-7c6b4-${String(i).padStart(5, '0')}`, { ns: 'default', phase, created: 0, node: i % 2 ? 'node-1' : 'node-2', owner: { kind: 'ReplicaSet', name: 'web-7c6b4', uid: 'uid-rs-new' } });
}

/** A: one frame at a time on a FakeClock. */
async function steady(): Promise<Record<string, number | string>> {
  const seed: KubeObject[] = [node('node-1'), node('node-2')];
  for (let i = 0; i < PODS; i++) seed.push(pod(`app-${i}-${(i * 7919) % 10007}`, { ns: `ns-${i % 20}`, node: i % 2 ? 'node-1' : 'node-2', phase: i % 13 ? 'Running' : 'Pending' }));
  const client = new FakeClusterClient(seed);
  const clock = new FakeClock(T0);
  const inst = await mount(client, clock);
  const frames = () => inst.frames.length;
  const nextFrame = async (before: number) => {
    for (let i = 0; frames() === before && i < 10_000; i++) await immediate();
  };
  clock.advance(100);
  for (let i = 0; !inst.lastFrame()?.includes(`[${PODS}]`) && i < 10_000; i++) await immediate();
  if (!inst.lastFrame()?.includes(`[${PODS}]`)) throw new Error(`bench: first frame does not show every pod:\n${inst.lastFrame()}`);

  // Wall time is what a user sees; CPU time (this process) is steadier while other work shares the machine.
  const cpu: Record<string, number[]> = {};
  const timed = async (act: () => void, name: string) => {
    const before = frames();
    const c = process.cpuUsage();
    const t = performance.now();
    act();
    await nextFrame(before);
    const wall = performance.now() - t;
    const used = process.cpuUsage(c);
    (cpu[name] ??= []).push((used.user + used.system) / 1000);
    return wall;
  };
  const change = (i: number, restarts: number) => client.put(pod(`app-${i}-${(i * 7919) % 10007}`, { ns: `ns-${i % 20}`, node: i % 2 ? 'node-1' : 'node-2', restarts }));

  const update: number[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    const i = (s * 37) % PODS;
    change(i, s + 1);
    update.push(await timed(() => clock.advance(100), 'updateFrameMs'));
  }
  const burst: number[] = [];
  for (let s = 0; s < Math.max(5, SAMPLES / 10); s++) {
    for (let b = 0; b < 200; b++) change((s * 211 + b * 53) % PODS, s + b + 2);
    burst.push(await timed(() => clock.advance(100), 'burst200FrameMs'));
  }
  const tick: number[] = [];
  for (let s = 0; s < 20; s++) tick.push(await timed(() => clock.advance(2000), 'clockTickFrameMs'));
  const key: number[] = [];
  for (let s = 0; s < SAMPLES; s++) key.push(await timed(() => inst.stdin.write(s % 2 ? 'k' : 'j'), 'keypressFrameMs'));
  const sortKey: number[] = [];
  for (let s = 0; s < 20; s++) sortKey.push(await timed(() => inst.stdin.write(s % 2 ? 'N' : 'T'), 'sortKeyFrameMs'));
  // Typing a filter: each key filters the 10k rows again (`/app-1`, then backspaces).
  const filterKey: number[] = [];
  inst.stdin.write('/');
  for (let i = 0; i < 50; i++) await immediate();
  const typed = 'app-1';
  for (let s = 0; s < 20; s++) {
    const pos = s % (2 * typed.length);
    filterKey.push(await timed(() => inst.stdin.write(pos < typed.length ? typed[pos] : '\u007f'), 'filterKeyFrameMs'));
  }
  inst.stdin.write('\u001b');
  inst.unmount();

  const out: Record<string, number | string> = { pods: PODS };
  const put = (name: string, samples: number[]) => {
    const x = summary(samples);
    out[`${name}.p50`] = x.median;
    out[`${name}.p99`] = x.p99;
    out[`${name}.count`] = x.count;
  };
  put('updateFrameMs', update);
  put('burst200FrameMs', burst);
  put('clockTickFrameMs', tick);
  put('keypressFrameMs', key);
  put('sortKeyFrameMs', sortKey);
  put('filterKeyFrameMs', filterKey);
  for (const [name, samples] of Object.entries(cpu)) {
    const x = summary(samples);
    out[`${name}.cpu.p50`] = x.median;
    out[`${name}.cpu.p99`] = x.p99;
  }
  return out;
}

/** B: a rollout on the real clock, with keys arriving meanwhile. */
async function rollout(): Promise<Record<string, number | string>> {
  const seed: KubeObject[] = [node('node-1'), node('node-2')];
  // Three pods that sort first and stay: the cursor moves among them, so a key's effect is never undone by the rollout.
  for (let i = 0; i < 3; i++) seed.push(pod(`stable-${i}`, { ns: 'aaa' }));
  for (let i = 0; i < PODS; i++) seed.push(oldPod(i));
  const client = new FakeClusterClient(seed);

  // Which watch frame or key caused the next frame, and since when. The watch cache's frame
  // timer (100 ms, the App's default frameMs) always draws: it moves the cache's version.
  // Other timers (metrics polls, the 2 s age tick) are not timed: a poll may draw nothing.
  let cause: number | undefined;
  const clock: Clock = {
    now: realClock.now,
    setTimeout(fn, ms) {
      return realClock.setTimeout(() => {
        if (ms === WATCH_FRAME_MS) cause ??= performance.now();
        fn();
      }, ms);
    },
  };
  const inst = await mount(client, clock);
  for (let i = 0; !inst.lastFrame()?.includes(`[${PODS + 3}]`) && i < 1000; i++) await sleep(20);
  if (!inst.lastFrame()?.includes(`[${PODS + 3}]`)) throw new Error(`bench: rollout: first frame does not show every pod:\n${inst.lastFrame()}`);
  await sleep(300);

  const frameMs: number[] = [];
  const keyLatency: number[] = [];
  let keyDue: number | undefined;
  let measuring = false;
  const write = inst.stdout.write;
  inst.stdout.write = (frame: string) => {
    write(frame);
    const t = performance.now();
    if (measuring && cause !== undefined) frameMs.push(t - cause);
    cause = undefined;
    if (keyDue !== undefined) {
      keyLatency.push(t - keyDue);
      keyDue = undefined;
    }
  };

  // The driver: each step replaces `batch` pods, 4 events each, spread so the rollout spans ROLLOUT_STEPS steps.
  const batch = Math.max(1, Math.ceil(PODS / ROLLOUT_STEPS));
  let events = 0;
  let replaced = 0;
  const terminating: number[] = [];
  const pending: number[] = [];
  const t0 = performance.now();
  cause = undefined;
  measuring = true;
  const done = new Promise<void>((resolve) => {
    const step = () => {
      const n = Math.min(batch, PODS - replaced);
      for (const i of terminating.splice(0)) {
        client.remove('Pod', 'default', oldPod(i).metadata.name!);
        events++;
      }
      for (const i of pending.splice(0)) {
        client.put(newPod(i, 'Running'));
        events++;
      }
      for (let j = 0; j < n; j++, replaced++) {
        client.put(newPod(replaced, 'Pending'));
        client.put(pod(oldPod(replaced).metadata.name!, { ns: 'default', deleting: true, owner: { kind: 'ReplicaSet', name: 'web-5d8f9', uid: 'uid-rs-old' } }));
        events += 2;
        pending.push(replaced);
        terminating.push(replaced);
      }
      if (replaced < PODS || terminating.length || pending.length) setTimeout(step, ROLLOUT_STEP_MS);
      else resolve();
    };
    setTimeout(step, ROLLOUT_STEP_MS);
  });

  // Keys: due every 40–90 ms; the timer fires late when the thread is busy, and that wait counts.
  const rnd = lcg(16);
  let keys = 0;
  let missed = 0;
  let running = true;
  const keysDone = (async () => {
    let due = performance.now();
    while (running) {
      due += 40 + rnd() * 50;
      await sleep(Math.max(0, due - performance.now()));
      if (!running) break;
      const at = performance.now();
      keyDue = due;
      cause ??= at;
      inst.stdin.write(keys++ % 2 ? 'k' : 'j');
      // A key is handled at once and its frame drawn before the next macrotask; one that drew nothing is counted, not timed.
      setImmediate(() => {
        if (keyDue === due) {
          keyDue = undefined;
          missed++;
        }
        if (cause === at) cause = undefined;
      });
    }
  })();
  await done;
  const rolloutMs = performance.now() - t0;
  running = false;
  await keysDone;
  await sleep(300);
  measuring = false;
  inst.stdout.write = write;
  const last = inst.lastFrame() ?? '';
  inst.unmount();
  if (!last.includes(`[${PODS + 3}]`)) throw new Error(`bench: rollout did not end with every pod listed:\n${last}`);

  const out: Record<string, number | string> = {};
  const put = (name: string, samples: number[]) => {
    const x = summary(samples);
    out[`${name}.p50`] = x.median;
    out[`${name}.p99`] = x.p99;
    out[`${name}.count`] = x.count;
  };
  put('rollout.keyToFrameMs', keyLatency);
  put('rollout.frameMs', frameMs);
  out['rollout.keysWithoutFrame'] = missed;
  out['rollout.events'] = events;
  out['rollout.eventsPerSecond'] = Math.round(events / (rolloutMs / 1000));
  out['rollout.ms'] = Math.round(rolloutMs);
  return out;
}

export async function run(): Promise<Record<string, number | string>> {
  // Warm-up: module loading and JIT are not a frame.
  {
    const client = new FakeClusterClient([node('node-1'), pod('warm-1'), pod('warm-2')]);
    const clock = new FakeClock(T0);
    const inst = await mount(client, clock);
    clock.advance(100);
    for (let i = 0; i < 50; i++) await immediate();
    inst.stdin.write('j');
    for (let i = 0; i < 50; i++) await immediate();
    inst.unmount();
  }
  return { ...(await steady()), ...(await rollout()) };
}

if (isMain(import.meta.url)) {
  void run().then((r) => {
    for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(36)} ${v}`);
    process.exit(0);
  });
}

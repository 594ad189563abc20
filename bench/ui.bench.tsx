// UI frame times: the pods view with 1,000 and 10,000 pods (all namespaces),
// measured as (a) mount → the first frame listing every pod, (b) a frame after one pod changes
// (watch event → coalesced redraw), (c) a keypress (j) → the updated frame.
// Uses the real <App> over an in-memory FakeClusterClient and a FakeClock;
// (d) a clock tick that only moves ages on; prints median/p99 in milliseconds and asserts nothing.
//   node --import tsx bench/ui.bench.tsx        (BENCH_SCALE=0.1 for a quick run)
// React's development build profiles every prop diff; measure what users run.
process.env.NODE_ENV ??= 'production';
import { FakeClock } from '../src/util/clock.js';
import { FakeClusterClient } from '../test/ui/fake-client.js';
import { node, pod, T0 } from '../test/ui/fixtures.js';
import { isMain, scaled, summary } from './stats.js';

const SIZES = [scaled(1000), scaled(10000)];
const SAMPLES = 30;

const immediate = () => new Promise<void>((r) => setImmediate(r));

async function measure(pods: number): Promise<Record<string, number | string>> {
  // Imported here so NODE_ENV above is set before React loads.
  const { render } = await import('ink-testing-library');
  const { App } = await import('../components/index.js');
  const { createElement } = await import('react'); // no JSX here: the JSX runtime import would load React before NODE_ENV is set
  const seed = [node('node-1'), node('node-2')];
  for (let i = 0; i < pods; i++) seed.push(pod(`app-${i}-${(i * 7919) % 10007}`, { ns: `ns-${i % 20}`, node: i % 2 ? 'node-1' : 'node-2', phase: i % 13 ? 'Running' : 'Pending' }));
  const client = new FakeClusterClient(seed);
  const clock = new FakeClock(T0);
  let t = performance.now();
  const inst = render(createElement(App, { client, version: 'bench', clock, size: { columns: 160, rows: 50 } }));
  const frames = () => inst.frames.length;

  // Waits until Ink wrote a new frame (React commits asynchronously after a store change).
  const nextFrame = async (before: number) => {
    for (let i = 0; frames() === before && i < 10_000; i++) await immediate();
  };
  clock.advance(100); // the first coalesced frame with every pod
  for (let i = 0; !inst.lastFrame()?.includes(`[${pods}]`) && i < 10_000; i++) await immediate();
  const firstFrame = performance.now() - t;
  let before = frames();
  if (!inst.lastFrame()?.includes(`[${pods}]`)) throw new Error(`bench: first frame does not show every pod:\n${inst.frames.length} ${inst.lastFrame()} ${inst.stderr.lastFrame()}`);

  const update: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    client.put(pod(`app-${i}-${(i * 7919) % 10007}`, { ns: `ns-${i % 20}`, restarts: i + 1 }));
    before = frames();
    t = performance.now();
    clock.advance(100);
    await nextFrame(before);
    update.push(performance.now() - t);
  }

  // A clock tick (ages move on) with no watch event: what an idle screen costs every 2 s.
  const tick: number[] = [];
  for (let i = 0; i < 10; i++) {
    before = frames();
    t = performance.now();
    clock.advance(2000);
    await nextFrame(before);
    tick.push(performance.now() - t);
  }

  const key: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    before = frames();
    t = performance.now();
    inst.stdin.write(i % 2 ? 'k' : 'j');
    await nextFrame(before);
    key.push(performance.now() - t);
  }
  inst.unmount();
  const u = summary(update);
  const k = summary(key);
  const ti = summary(tick);
  return {
    [`pods${pods}.firstFrameMs`]: Number(firstFrame.toFixed(2)),
    [`pods${pods}.updateFrameMs.median`]: u.median,
    [`pods${pods}.updateFrameMs.p99`]: u.p99,
    [`pods${pods}.clockTickFrameMs.median`]: ti.median,
    [`pods${pods}.keypressFrameMs.median`]: k.median,
    [`pods${pods}.keypressFrameMs.p99`]: k.p99,
    [`pods${pods}.samples`]: SAMPLES,
  };
}

export async function run(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  await measure(10); // warm-up: module loading and JIT are not a frame
  for (const n of SIZES) Object.assign(out, await measure(n));
  return out;
}

if (isMain(import.meta.url)) {
  void run().then((r) => {
    for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(36)} ${v}`);
  });
}

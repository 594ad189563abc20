// What the terminal UI costs while nothing happens: the real `bin/kubeterm.js`
// in a real terminal (a private tmux server, 160×50) on a copy of
// examples/hello with the simulated runtime and two nodes. Once the header
// shows the three pods Running and the folder Synced, and a short warm-up has
// passed, it measures for 10 s:
//   - CPU: utime+stime deltas from /proc/<pid>/stat of kubeterm's node process
//     (and any children), as a percentage of one core, overall and per second;
//   - memory: VmRSS and VmHWM (peak RSS) from /proc/<pid>/status;
//   - terminal output: bytes the UI wrote while idle (tmux pipe-pane), i.e. what
//     its redraws cost the terminal.
// For comparison the same engine runs `--headless` (no UI) on the same folder and
// is measured the same way: the difference is what the UI itself costs.
// The issue asks for idle CPU near 0. Figures are printed, never asserted.
//   node --import tsx bench/ui-idle.bench.ts     (BENCH_SCALE=0.1 measures for 1 s)
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, findTmux, headerPodsRunning, launchTui, poll, ROOT, type TuiRun } from '../test/e2e/tmux.js';
import { isMain, scaled, summary } from './stats.js';

const IDLE_SECONDS = scaled(10);
const WARMUP_MS = 3000;
const START_MS = 120_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function clockTicksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** pid → parent pid for every process we can read. */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      // Fields after the parenthesised command name: state ppid …
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(e), Number(rest[1]));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** Every descendant of `root` (not root itself). */
function descendants(root: number): number[] {
  const pp = parents();
  const found: number[] = [];
  const queue = [root];
  while (queue.length) {
    const p = queue.shift()!;
    for (const [pid, ppid] of pp) {
      if (ppid !== p) continue;
      found.push(pid);
      queue.push(pid);
    }
  }
  return found;
}

function command(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** utime + stime in clock ticks, summed over the processes (gone ones count 0). */
function cpuTicks(pids: number[]): number {
  let sum = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // rest[0] is field 3 (state); utime is field 14, stime field 15.
      sum += Number(rest[11]) + Number(rest[12]);
    } catch {
      // exited
    }
  }
  return sum;
}

function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return m ? Number(m[1]) : NaN;
}

interface IdleFigures {
  idleSeconds: number;
  idleCpuPercentOfOneCore: number;
  idleCpuPercentPerSecond_median: number;
  idleCpuPercentPerSecond_max: number;
  idleTerminalBytesPerSecond?: number;
  rssMiB: number;
  peakRssMiB: number;
}

/** CPU of `node` and its children over IDLE_SECONDS, its memory, and (with a tmux session) the bytes written to the pane. */
async function measureIdle(node: number, hz: number, s?: TuiRun['session']): Promise<IdleFigures> {
  await sleep(WARMUP_MS); // let start-up work (first metrics, probes, late events) finish
  const watched = () => [node, ...descendants(node)];
  const outDir = mkdtempSync(join(tmpdir(), 'kubeterm-idle-'));
  const outFile = join(outDir, 'pane-output');
  s?.run('pipe-pane', '-t', '0', '-o', `cat > '${outFile}'`);
  try {
    const perSecond: number[] = [];
    const start = cpuTicks(watched());
    const wallStart = performance.now();
    let prev = start;
    for (let i = 0; i < IDLE_SECONDS; i++) {
      await sleep(1000);
      const now = cpuTicks(watched());
      perSecond.push(((now - prev) / hz) * 100);
      prev = now;
    }
    const wall = (performance.now() - wallStart) / 1000;
    s?.run('pipe-pane', '-t', '0'); // stop piping
    const ps = summary(perSecond, 1);
    const out: IdleFigures = {
      idleSeconds: Number(wall.toFixed(1)),
      idleCpuPercentOfOneCore: Number((((prev - start) / hz / wall) * 100).toFixed(2)),
      idleCpuPercentPerSecond_median: ps.median,
      idleCpuPercentPerSecond_max: Number(Math.max(...perSecond).toFixed(1)),
      rssMiB: Number((statusKiB(node, 'VmRSS') / 1024).toFixed(1)),
      peakRssMiB: Number((statusKiB(node, 'VmHWM') / 1024).toFixed(1)),
    };
    if (s) out.idleTerminalBytesPerSecond = Math.round((existsSync(outFile) ? statSync(outFile).size : 0) / wall);
    return out;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** The same engine and folder with `--headless`: the baseline without the UI. */
async function measureHeadless(hz: number): Promise<IdleFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeterm-idle-headless-'));
  const folder = join(dir, 'gitops');
  cpSync(join(ROOT, 'examples', 'hello'), folder, { recursive: true });
  const child = spawn(process.execPath, [BIN, folder, '--headless', '--runtime', 'sim', '--nodes', '2', '--state', join(dir, 'state.json')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.resume();
  try {
    await poll(
      () => ((out.match(/Started container nginx/g)?.length ?? 0) >= 3 && /^SYNC /m.test(out) ? true : undefined),
      START_MS,
      () => `headless kubeterm did not start 3 pods:\n${out}`,
    );
    return await measureIdle(child.pid!, hz);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<Record<string, number | string>> {
  const tmux = findTmux();
  if (!tmux) return { skipped: 'tmux is not installed' };
  if (!existsSync('/proc/self/stat')) return { skipped: 'no /proc: CPU and RSS are read from /proc/<pid>' };
  const hz = clockTicksPerSecond();
  let tui: TuiRun | undefined;
  try {
    const t0 = performance.now();
    tui = launchTui(tmux, 'hello');
    const s = tui.session;
    await s.waitFor((sc) => headerPodsRunning(sc, 3) && /Folder:.*\sSynced\s/.test(sc), { timeoutMs: START_MS, what: '3 Running pods and the folder Synced' });
    const readyMs = performance.now() - t0;

    // kubeterm's node process: the pane runs `sh -c "node bin/kubeterm.js …; echo …"`.
    const shell = s.panePid();
    const node = await poll(
      () => descendants(shell).find((p) => /kubeterm\.js/.test(command(p))),
      10_000,
      () => `no kubeterm node process under the pane's shell (pid ${shell})`,
    );
    const idle = await measureIdle(node, hz, s);
    const figures: Record<string, number | string> = { ...idle, startToReadyMs: Math.round(readyMs) };
    s.keys('C-c');
    await tui.exitCode(30_000).catch(() => undefined);
    tui.dispose();
    tui = undefined;

    const headless = await measureHeadless(hz);
    for (const [k, v] of Object.entries(headless)) figures[`headless.${k}`] = v;
    figures.uiOverheadCpuPercentOfOneCore = Number((idle.idleCpuPercentOfOneCore - headless.idleCpuPercentOfOneCore).toFixed(2));
    figures.uiOverheadRssMiB = Number((idle.rssMiB - headless.rssMiB).toFixed(1));
    figures.clockTicksPerSecond = hz;
    return figures;
  } finally {
    tui?.dispose();
  }
}

if (isMain(import.meta.url)) {
  run().then(
    (r) => {
      for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(44)} ${v}`);
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}

// `npm run bench`: runs every bench/*.bench.ts(x) in turn, prints each one's
// figures, and writes a results table (markdown + JSON) to bench/results/.
// Timings are printed, never asserted. `BENCH_SCALE=0.1 npm run bench` shrinks
// the workloads; `npm run bench -- store gitops` runs only the named ones.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Figures = Record<string, number | string>;

const here = path.dirname(fileURLToPath(import.meta.url));

function machineFacts(): Figures {
  let docker = 'absent';
  try {
    docker = execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 })
      .toString()
      .trim();
  } catch {
    // no engine answering: recorded as absent
  }
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    docker,
    date: new Date().toISOString(),
  };
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = readdirSync(here)
    .filter((f) => /\.bench\.tsx?$/.test(f))
    .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
    .sort();
  const facts = machineFacts();
  console.log('machine:', JSON.stringify(facts));
  const results: { bench: string; figures?: Figures; error?: string }[] = [];
  for (const f of files) {
    const name = f.replace(/\.bench\.tsx?$/, '');
    console.log(`\n== ${name}`);
    try {
      const mod = (await import(pathToFileURL(path.join(here, f)).href)) as { run?: () => Promise<Figures> };
      if (typeof mod.run !== 'function') throw new Error(`${f} exports no run()`);
      const figures = await mod.run();
      for (const [k, v] of Object.entries(figures)) console.log(`  ${k}: ${v}`);
      results.push({ bench: name, figures });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      console.log(`  FAILED: ${msg}`);
      results.push({ bench: name, error: msg });
    }
  }
  const outDir = path.join(here, 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'results.json'), JSON.stringify({ machine: facts, results }, null, 2));
  const lines = ['# kubeterm benchmark results', '', '| machine | |', '|---|---|'];
  for (const [k, v] of Object.entries(facts)) lines.push(`| ${k} | ${v} |`);
  lines.push('', '| bench | figure | value |', '|---|---|---|');
  for (const r of results) {
    if (r.error) lines.push(`| ${r.bench} | error | ${r.error.replace(/\|/g, '/')} |`);
    else for (const [k, v] of Object.entries(r.figures ?? {})) lines.push(`| ${r.bench} | ${k} | ${v} |`);
  }
  writeFileSync(path.join(outDir, 'results.md'), lines.join('\n') + '\n');
  console.log(`\nwrote ${path.join('bench', 'results', 'results.md')} and results.json`);
  // Benches may leave watchers or timers behind; the run is over.
  process.exit(results.some((r) => r.error) ? 1 : 0);
}

await main();

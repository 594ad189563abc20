// Before/after tables: `node --import tsx bench/compare.ts BEFORE.json AFTER.json`
// reads two bench/results/results.json files (the same benches run on two
// commits, on the same machine in the same session) and prints one markdown
// table per bench, figure by figure, with the ratio after/before.
import { readFileSync } from 'node:fs';

type Figures = Record<string, number | string>;
interface Results {
  machine: Figures;
  results: { bench: string; figures?: Figures; error?: string }[];
}

function load(file: string): Results {
  return JSON.parse(readFileSync(file, 'utf8')) as Results;
}

function ratio(b: number | string | undefined, a: number | string | undefined): string {
  if (typeof b !== 'number' || typeof a !== 'number' || b === 0) return '';
  return `${(a / b).toFixed(2)}×`;
}

export function compare(before: Results, after: Results): string {
  const out: string[] = [];
  const names = [...new Set([...before.results.map((r) => r.bench), ...after.results.map((r) => r.bench)])];
  for (const name of names) {
    const b = before.results.find((r) => r.bench === name);
    const a = after.results.find((r) => r.bench === name);
    out.push(`### ${name}`, '', '| figure | before | after | after/before |', '|---|---|---|---|');
    const keys = [...new Set([...Object.keys(b?.figures ?? {}), ...Object.keys(a?.figures ?? {})])];
    for (const k of keys) {
      const bv = b?.figures?.[k];
      const av = a?.figures?.[k];
      out.push(`| ${k} | ${bv ?? (b?.error ? 'error' : '—')} | ${av ?? (a?.error ? 'error' : '—')} | ${ratio(bv, av)} |`);
    }
    if (b?.error) out.push(`| (before failed) | ${b.error.replace(/\|/g, '/')} | | |`);
    if (a?.error) out.push(`| (after failed) | | ${a.error.replace(/\|/g, '/')} | |`);
    out.push('');
  }
  return out.join('\n');
}

if (process.argv[1]?.endsWith('compare.ts')) {
  const [beforeFile, afterFile] = process.argv.slice(2);
  if (!beforeFile || !afterFile) {
    console.error('usage: node --import tsx bench/compare.ts BEFORE.json AFTER.json');
    process.exit(2);
  }
  console.log(compare(load(beforeFile), load(afterFile)));
}

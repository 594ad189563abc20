// What a benchmark file does when run directly (`node --import tsx bench/x.bench.ts`)
// rather than through bench/run.ts.
import { isMain } from './stats.js';

/**
 * When the file at `metaUrl` is the one being run: runs `run`, prints the
 * figures one a line with keys padded to `keyWidth`, and exits 0 — or prints
 * the error and exits 1. Exiting also ends keep-alive sockets and stray timers
 * a finished bench may leave.
 */
export function runIfMain(metaUrl: string, run: () => Promise<Record<string, number | string>>, keyWidth: number): void {
  if (!isMain(metaUrl)) return;
  run().then(
    (r) => {
      for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(keyWidth)} ${v}`);
      process.exit(0);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}

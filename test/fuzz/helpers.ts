// Shared by the fuzz tests: a case counter that prints `fuzz: <name>: N cases`
// (the issue asks that every run says how many cases it tried), and the check
// that a thrown value is a deliberate error rather than a crash.

/** Counts cases and prints the total once. */
export class CaseCounter {
  n = 0;
  maxMs = 0;
  constructor(readonly name: string) {}

  /** Runs one case, timing it. */
  time<T>(fn: () => T): T {
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      this.n++;
      this.maxMs = Math.max(this.maxMs, performance.now() - t0);
    }
  }

  async timeAsync<T>(fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.n++;
      this.maxMs = Math.max(this.maxMs, performance.now() - t0);
    }
  }

  report(): number {
    console.log(`fuzz: ${this.name}: ${this.n} cases (slowest ${this.maxMs.toFixed(1)} ms)`);
    return this.n;
  }
}

/**
 * The errors JavaScript raises by itself when code trips over a value it did
 * not expect. A deliberate error is a plain Error (or a subclass of our own)
 * with a message; these mean a crash.
 */
export function isCrash(e: unknown): boolean {
  return e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError || !(e instanceof Error);
}

/** Describes an unexpected thrown value with its stack, for the failure message. */
export function describeCrash(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : `non-Error thrown: ${String(e)}`;
}

/** Every path (keys and list indices) into a JSON value, parents before children: the places a mutation may hit. */
export function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      const p = [...prefix, Array.isArray(v) ? Number(k) : k];
      out.push(p);
      paths(x, p, out);
    }
  }
  return out;
}

// Shared by the fuzz tests: a case counter that prints `fuzz: <name>: N cases`
// (the issue asks that every run says how many cases it tried), and the check
// that a thrown value is a deliberate error rather than a crash, and the
// corruption kit (junk values, every path into an object, set-at-path).
import fc from 'fast-check';

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

export interface JunkOptions {
  /** Longest junk string. */
  maxString: number;
  /** Include doubles (NaN, ±Infinity, -0 …). */
  double?: boolean;
  /** File-specific junk, after the common values. */
  more?: fc.Arbitrary<unknown>[];
}

/** Values of the wrong shape for any field: null, {}, [], short strings, out-of-range integers, booleans, a list of a bad item … */
export function junkValues(o: JunkOptions): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constant(null),
    fc.constant({}),
    fc.constant([]),
    fc.string({ maxLength: o.maxString }),
    fc.integer({ min: -5, max: 70000 }),
    ...(o.double ? [fc.double()] : []),
    fc.boolean(),
    fc.constant([{ name: 1 }]),
    ...(o.more ?? []),
  );
}

/**
 * Sets `value` at `path` inside `o`; `undefined` removes the key. A list item
 * is removed by `delete` (leaving a hole) unless `spliceLists` asks for the
 * list to close up.
 */
export function setAt(o: Record<string, unknown>, path: (string | number)[], value: unknown, spliceLists = false): void {
  let cur: any = o;
  for (const k of path.slice(0, -1)) cur = cur[k];
  const last = path[path.length - 1];
  if (value !== undefined) cur[last] = value;
  else if (spliceLists && Array.isArray(cur)) cur.splice(Number(last), 1);
  else delete cur[last];
}

// A bounded poll for tests that wait on real processes, containers and
// sockets: never a fixed sleep on a guess, and a timeout that names what was
// awaited and the last failure seen.

/**
 * Polls `fn` every `intervalMs` until it returns something truthy. `what`
 * names what was awaited in the timeout error; a function is asked only then
 * (e.g. for the terminal's screen at that moment).
 */
export async function until<T>(
  what: string | (() => string),
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 60_000,
  intervalMs = 100,
): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) {
      const named = typeof what === 'function' ? what() : what;
      throw new Error(`timed out after ${ms} ms waiting for ${named}${last ? `: ${(last as Error).message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * For in-process work on a fake clock: lets queued callbacks, microtasks and
 * store writes run (one event-loop turn at a time, no real time passes) until
 * `pred` holds, for at most `turns` turns.
 */
export async function untilSettled(what: string, pred: () => boolean, turns = 2000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (pred()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`timed out after ${turns} event-loop turns waiting for ${what}`);
}

// A bounded poll for tests that wait on real processes, containers and
// sockets: never a fixed sleep on a guess, and a timeout that names what was
// awaited and the last failure seen.

/** Polls `fn` every `intervalMs` until it returns something truthy. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 60_000,
  intervalMs = 100,
): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// `kubectl logs` over a runtime that keeps a container's lines in memory (the
// process and simulated drivers): the lines to replay for --since-seconds and
// --tail, then, with --follow, every new line until the container's output
// ends or the caller aborts. The driver keeps the history and the followers;
// it calls each follower with a chunk per new line and with null when the
// output ended (exit, removal).
import type { ContainerLogOptions, LogChunk } from './types.js';

/** Called with each new line, and with null once the container's output ended. */
export type LogFollower = (chunk: LogChunk | null) => void;

/** The history lines to replay: those written at or after now − sinceSeconds (untimed lines always), then the last tailLines. */
export function selectHistory(lines: readonly LogChunk[], opts: ContainerLogOptions, nowMs: number): readonly LogChunk[] {
  let out = lines;
  if (opts.sinceSeconds !== undefined) {
    const since = nowMs - opts.sinceSeconds * 1000;
    out = out.filter((l) => !l.time || Date.parse(l.time) >= since);
  }
  if (opts.tailLines !== undefined) out = opts.tailLines <= 0 ? [] : out.slice(-opts.tailLines);
  return out;
}

/** Passes new lines to onChunk until the output ends (a null chunk) or signal aborts; the follower is removed either way. */
export function followLogs(followers: Set<LogFollower>, onChunk: (c: LogChunk) => void, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const follower: LogFollower = (chunk) => {
      if (chunk) onChunk(chunk);
      else finish();
    };
    const finish = () => {
      followers.delete(follower);
      signal?.removeEventListener('abort', finish);
      resolve();
    };
    followers.add(follower);
    signal?.addEventListener('abort', finish, { once: true });
  });
}

/**
 * The whole logs call: replays the selected history, then follows when asked
 * and `live` (the container can still write: not exited, not created-only).
 */
export async function serveLogs(
  src: { history: readonly LogChunk[]; followers: Set<LogFollower>; live: boolean; nowMs: number },
  opts: ContainerLogOptions,
  onChunk: (c: LogChunk) => void,
  signal?: AbortSignal,
): Promise<void> {
  for (const l of selectHistory(src.history, opts, src.nowMs)) onChunk(l);
  if (!opts.follow || !src.live || signal?.aborted) return;
  await followLogs(src.followers, onChunk, signal);
}

// `GET pods/NAME/log` against a Kubernetes API server, streamed line by line
// into LogLines. Timestamps are always asked for and split off each line, so
// every LogLine carries its time and the UI can toggle showing it (as k9s
// does) without asking again; the text never includes it.
import type { LogLine, LogOptions, Subscription } from './types.js';
import type { KubeHttp } from './kube-http.js';

// RFC3339 with optional fraction, as the kubelet prefixes lines with `timestamps=true`.
const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) ?/;

/** `2026-01-01T00:00:00.123456789Z hello` → time and text. Lines without a timestamp keep their text whole. */
export function splitTimestamp(line: string): { time?: string; text: string } {
  const m = TIMESTAMP.exec(line);
  return m ? { time: m[1], text: line.slice(m[0].length) } : { text: line };
}

export function logQuery(opts: LogOptions, container: string | undefined): Record<string, string | number | boolean | undefined> {
  return {
    container: container || undefined,
    follow: opts.follow || undefined,
    tailLines: opts.tailLines,
    sinceSeconds: opts.sinceSeconds,
    previous: opts.previous || undefined,
    timestamps: true,
  };
}

export function streamLogs(
  http: KubeHttp,
  namespace: string,
  pod: string,
  opts: LogOptions,
  onLine: (line: LogLine) => void,
  onEnd?: (err?: Error) => void,
): Subscription {
  const abort = new AbortController();
  let stopped = false;
  const podPath = `/api/v1/namespaces/${encodeURIComponent(namespace || 'default')}/pods/${encodeURIComponent(pod)}`;
  const run = async () => {
    // The container name each line is labelled with: the one asked for, or the pod's only one.
    let container = opts.container;
    if (!container) {
      const p = await http.json({ method: 'GET', path: podPath, signal: abort.signal });
      const names: string[] = (p?.spec?.containers ?? []).map((c: { name: string }) => c.name);
      if (names.length === 1) container = names[0];
    }
    await http.lines({ method: 'GET', path: `${podPath}/log`, query: logQuery(opts, container), signal: abort.signal }, (raw) => {
      if (stopped) return;
      const { time, text } = splitTimestamp(raw);
      onLine({ pod, container: container ?? '', time, text });
    });
  };
  run().then(
    () => {
      if (!stopped) onEnd?.();
    },
    (e) => {
      if (!stopped) onEnd?.(e instanceof Error ? e : new Error(String(e)));
    },
  );
  return {
    stop() {
      stopped = true;
      abort.abort();
    },
  };
}

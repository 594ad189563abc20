// The engine's log: where a controller, scheduler or kubelet error goes when
// it is not (only) an Event on an object. klog in small: leveled lines with a
// component name, written to one sink. The CLI points the sink at stderr when
// nothing else owns the terminal, and at a file beside the state when the UI
// does (`--log-level`, `--log-file`). Until then the sink is a bounded ring, so
// tests and library users lose nothing they could later ask for, and nothing
// grows without bound.
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

export interface LogRecord {
  time: number;
  level: LogLevel;
  component: string;
  message: string;
}

export type LogSink = (line: string, record: LogRecord) => void;

export interface Logger {
  error(message: string, err?: unknown): void;
  warn(message: string, err?: unknown): void;
  info(message: string): void;
  debug(message: string): void;
  /** A logger for a sub-part, e.g. `controller/deployment`. */
  child(component: string): Logger;
}

const RING = 500;

/** Global settings: one process, one log (as klog). */
const state: { level: LogLevel; sink?: LogSink; ring: LogRecord[] } = { level: 'warn', ring: [] };

export function setLogLevel(level: LogLevel): void {
  state.level = level;
}

export function logLevel(): LogLevel {
  return state.level;
}

/** Sends lines to `sink` (undefined: back to the in-memory ring only). */
export function setLogSink(sink: LogSink | undefined): void {
  state.sink = sink;
}

/** The most recent records at or above the level, newest last. */
export function recentLogs(): readonly LogRecord[] {
  return state.ring;
}

export function isLogLevel(s: string): s is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(s);
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** One line as klog prints it: `E1207 20:53:42.123 deployment] message`. */
export function formatLogLine(r: LogRecord): string {
  const d = new Date(r.time);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}`;
  return `${r.level[0]!.toUpperCase()}${stamp} ${r.component}] ${r.message}`;
}

function emit(level: LogLevel, component: string, message: string, err?: unknown): void {
  if (RANK[level] > RANK[state.level]) return;
  const record: LogRecord = { time: Date.now(), level, component, message: err === undefined ? message : `${message}: ${describeError(err)}` };
  state.ring.push(record);
  if (state.ring.length > RING) state.ring.splice(0, state.ring.length - RING);
  state.sink?.(formatLogLine(record), record);
}

export function logger(component: string): Logger {
  return {
    error: (m, e) => emit('error', component, m, e),
    warn: (m, e) => emit('warn', component, m, e),
    info: (m) => emit('info', component, m),
    debug: (m) => emit('debug', component, m),
    child: (sub) => logger(`${component}/${sub}`),
  };
}

// Where the engine log (src/util/log.ts) goes for a run: stderr when headless
// (the terminal is a log already), else a file beside the state file, because
// the UI owns the terminal and a stray line would tear its frame. `--log-file`
// names another file; `--log-level` sets what is kept.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { setLogLevel, setLogSink, type LogLevel } from '../util/log.js';

export interface EngineLogOptions {
  headless: boolean;
  logLevel: LogLevel;
  logFile?: string;
  /** The state file in use (its folder gets kubeterm.log). */
  stateFile: string;
}

export interface EngineLog {
  /** Where lines go, for the banner: a path, or "stderr". */
  target: string;
  close(): Promise<void>;
}

export function defaultLogFile(stateFile: string): string {
  return path.join(path.dirname(path.resolve(stateFile)), 'kubeterm.log');
}

export function configureEngineLog(o: EngineLogOptions, stderr: NodeJS.WritableStream = process.stderr): EngineLog {
  setLogLevel(o.logLevel);
  if (o.headless && o.logFile === undefined) {
    setLogSink((line) => void stderr.write(line + '\n'));
    return { target: 'stderr', close: async () => setLogSink(undefined) };
  }
  const file = path.resolve(o.logFile ?? defaultLogFile(o.stateFile));
  let stream: WriteStream | undefined;
  setLogSink((line) => {
    if (!stream) {
      // Opened on the first line, so a quiet run leaves no empty file behind.
      mkdirSync(path.dirname(file), { recursive: true });
      stream = createWriteStream(file, { flags: 'a', mode: 0o600 });
      // A log that cannot be written must not take the engine down: the line is lost, the run goes on.
      stream.on('error', () => setLogSink(undefined));
    }
    stream.write(line + '\n');
  });
  return {
    target: file,
    close: () =>
      new Promise<void>((resolve) => {
        setLogSink(undefined);
        if (!stream) return resolve();
        stream.end(() => resolve());
      }),
  };
}

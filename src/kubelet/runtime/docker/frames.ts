// Docker's multiplexed attach/logs framing, decoded by hand instead of with
// modem.demuxStream: one decoder yields stdout and stderr frames in the order
// the engine sent them (two demuxed streams lose their interleaving), and it
// works the same on a whole Buffer (non-follow logs) and on a live stream.
//
// Frame: [stream type: 1 byte][3 zero bytes][payload length: uint32 BE][payload].
// Stream type 1 = stdout, 2 = stderr (0 = stdin, treated as stdout).

export type StreamName = 'stdout' | 'stderr';

export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (stream: StreamName, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      if (this.pending.length < 8) return;
      const len = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + len) return;
      const type = this.pending[0];
      const payload = this.pending.subarray(8, 8 + len);
      this.pending = this.pending.subarray(8 + len);
      this.onFrame(type === 2 ? 'stderr' : 'stdout', payload);
    }
  }
}

/** A line longer than this is passed on in pieces (Docker itself cuts log entries at 16 KiB): a stream without newlines cannot grow memory. */
export const MAX_LINE_BYTES = 64 * 1024;

/**
 * Cuts a byte stream into lines; a trailing partial line is kept until more
 * arrives or flush(). Works on bytes (a newline byte never occurs inside a
 * UTF-8 sequence, so a character split across chunks survives) and decodes
 * each line on its own: a line kept by a consumer (the UI's log buffer, a
 * cache keyed by text) holds only its own bytes, never the whole chunk a
 * substring of it would pin — under a log flood that difference is
 * megabytes per second.
 */
export class LineSplitter {
  private partial: Buffer[] = [];
  private partialBytes = 0;

  constructor(private readonly onLine: (line: string) => void) {}

  push(data: Buffer | string): void {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let start = 0;
    for (let nl = buf.indexOf(0x0a); nl >= 0; nl = buf.indexOf(0x0a, start)) {
      this.emit(this.partialBytes ? Buffer.concat([...this.partial, buf.subarray(start, nl)]) : buf.subarray(start, nl));
      this.partial = [];
      this.partialBytes = 0;
      start = nl + 1;
    }
    if (start >= buf.length) return;
    // A copy: the kept tail must not pin the whole chunk.
    this.partial.push(Buffer.from(buf.subarray(start)));
    this.partialBytes += buf.length - start;
    if (this.partialBytes >= MAX_LINE_BYTES) this.flush();
  }

  flush(): void {
    if (this.partialBytes) this.emit(Buffer.concat(this.partial));
    this.partial = [];
    this.partialBytes = 0;
  }

  private emit(line: Buffer): void {
    const end = line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
    this.onLine(line.toString('utf8', 0, end));
  }
}

/** Splits Docker's `timestamps=true` prefix (`2026-01-01T00:00:00.123456789Z line`) off a log line. */
export function splitTimestamp(line: string): { time?: string; line: string } {
  const sp = line.indexOf(' ');
  const head = sp < 0 ? line : line.slice(0, sp);
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(head)) return { time: head, line: sp < 0 ? '' : line.slice(sp + 1) };
  return { line };
}

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

/** Cuts a byte stream into lines; a trailing partial line is kept until more arrives or flush(). */
export class LineSplitter {
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const p of parts) this.onLine(p.endsWith('\r') ? p.slice(0, -1) : p);
  }

  flush(): void {
    if (this.partial !== '') this.onLine(this.partial);
    this.partial = '';
  }
}

/** Splits Docker's `timestamps=true` prefix (`2026-01-01T00:00:00.123456789Z line`) off a log line. */
export function splitTimestamp(line: string): { time?: string; line: string } {
  const sp = line.indexOf(' ');
  const head = sp < 0 ? line : line.slice(0, sp);
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(head)) return { time: head, line: sp < 0 ? '' : line.slice(sp + 1) };
  return { line };
}

// Plain HTTP GETs for tests that reach Services, Ingress and forwarded ports
// on loopback or the test's own containers.
import http from 'node:http';

export interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** One GET on a new connection (agent: false); rejects on a connection error or after `timeoutMs`. */
export function get(url: string, headers: Record<string, string> = {}, timeoutMs = 5000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
  });
}

/**
 * Splits a streaming answer (a watch's JSON lines) into lines: after each
 * chunk, `onLines` gets the lines that chunk completed (maybe none); a partial
 * line waits for the next chunk.
 */
export function onChunkLines(res: http.IncomingMessage, onLines: (lines: string[]) => void): void {
  let buf = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    buf += chunk;
    const lines: string[] = [];
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
    onLines(lines);
  });
}

/** The body parsed as JSON, or undefined when it is not JSON (a plain-text error, an empty body). */
export function jsonOrUndefined(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

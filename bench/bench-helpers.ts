// HTTP plumbing the API-server and store benchmarks share: one timed request
// over a keep-alive agent, and line-by-line reading of a watch stream.
import { request as httpRequest, type Agent, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** One request over `agent` (an https one for an https URL); resolves with the status, the body as text, and the milliseconds it took. */
export function httpCall(agent: Agent, url: string, method: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; text: string; ms: number }>((resolve, reject) => {
    const t = performance.now();
    const request = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Hands each newline-terminated line of a streaming answer (a watch's JSON events) to `onLine`; a partial line waits for its end. */
export function onEachLine(res: IncomingMessage, onLine: (line: string) => void): void {
  let buf = '';
  res.setEncoding('utf8');
  res.on('data', (c: string) => {
    buf += c;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      onLine(line);
    }
  });
}

/** A count that `add()` raises; `reached` resolves once it hits `target` (watchers ready, events delivered). */
export function counter(target: number): { readonly count: number; add(): void; reached: Promise<void> } {
  let count = 0;
  let resolve!: () => void;
  const reached = new Promise<void>((r) => (resolve = r));
  return {
    get count() {
      return count;
    },
    add() {
      if (++count === target) resolve();
    },
    reached,
  };
}

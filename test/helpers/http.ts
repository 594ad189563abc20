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

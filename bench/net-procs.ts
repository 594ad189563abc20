// Child processes for bench/network.bench.ts, so the proxies under test do not
// share an event loop with the load they carry: `backends` plays the pods
// (one node HTTP server per loopback address, as a pod is its own process),
// `load` is the client (a fixed number of concurrent clients, keep-alive or a
// new connection per request). Both talk to the parent over the fork IPC
// channel. Run only through fork() from the bench.
import http from 'node:http';
import type net from 'node:net';

export interface LoadJob {
  /** Targets used round robin, one per request. */
  targets: { host: string; port: number }[];
  keepAlive: boolean;
  /** Request path: `/`, or `/split` for a response sent in two segments. */
  path: string;
  requests: number;
  seconds: number;
  concurrency: number;
}

export interface LoadResult {
  /** Latency of each successful request (ms). */
  lat: number[];
  failed: number;
  seconds: number;
}

async function backends(hosts: string[]): Promise<number[]> {
  return Promise.all(
    hosts.map(
      (host, i) =>
        new Promise<number>((resolve) => {
          const server = http.createServer((req, res) => {
            res.setHeader('content-type', 'text/plain');
            if (req.url !== '/split') return void res.end(`pod-${i}`);
            // As many servers answer: the head (and a first part) now, the rest a moment later, as a second segment.
            res.write(`pod-${i} `);
            setImmediate(() => res.end('done'));
          });
          server.listen(0, host, () => resolve((server.address() as net.AddressInfo).port));
        }),
    ),
  );
}

async function load(job: LoadJob): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: job.keepAlive, maxSockets: job.concurrency });
  const lat: number[] = [];
  let issued = 0;
  let failed = 0;
  const start = performance.now();
  const deadline = start + job.seconds * 1000;
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const t = job.targets[i % job.targets.length];
      const t0 = performance.now();
      const req = http.get({ host: t.host, port: t.port, path: job.path, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) lat.push(performance.now() - t0);
          else failed++;
          resolve();
        });
      });
      req.on('error', () => {
        failed++;
        resolve();
      });
    });
  const client = async () => {
    while (issued < job.requests && performance.now() < deadline) await one(issued++);
  };
  await Promise.all(Array.from({ length: job.concurrency }, client));
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return { lat, failed, seconds };
}

const role = process.argv[2];
if (process.send && role === 'backends') {
  const ports = await backends(process.argv.slice(3));
  process.send({ ports });
  process.on('disconnect', () => process.exit(0));
} else if (process.send && role === 'load') {
  process.on('message', (job: LoadJob) => {
    void load(job).then((r) => process.send!(r));
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ ready: true });
}

// Loopback sockets for tests: a port free right now, and a pods/portforward
// dial hook that connects to 127.0.0.1 instead of a pod.
import net from 'node:net';
import type { PodDialFn } from '../../src/apiserver/index.js';

/** A port nothing listens on at 127.0.0.1 now (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** A dial hook that connects to `port` on 127.0.0.1 whatever the pod, pushing each port asked for onto `dialed`. */
export function loopbackDial(dialed: number[]): PodDialFn {
  return (_ns, _pod, port) =>
    new Promise((resolve, reject) => {
      dialed.push(port);
      const c = net.connect({ host: '127.0.0.1', port });
      c.once('connect', () => resolve(c));
      c.once('error', reject);
    });
}

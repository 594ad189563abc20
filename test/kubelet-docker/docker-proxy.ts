// A unix socket in front of the real Docker engine, for outage tests: close()
// makes "Docker" disappear for whoever talks through it (refused connections,
// open streams cut), listen() brings it back — the shared daemon itself is
// never stopped.
import { existsSync, unlinkSync } from 'node:fs';
import net from 'node:net';

/** A unix socket that forwards to the real engine; close() makes "Docker" disappear for whoever uses it. */
export function dockerProxy(path: string, target = '/var/run/docker.sock') {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  return {
    listen: () =>
      new Promise<void>((resolve, reject) => {
        if (existsSync(path)) unlinkSync(path);
        server = net.createServer((client) => {
          const up = net.connect(target);
          sockets.add(client).add(up);
          const drop = () => {
            client.destroy();
            up.destroy();
            sockets.delete(client);
            sockets.delete(up);
          };
          client.on('error', drop).on('close', drop);
          up.on('error', drop).on('close', drop);
          client.pipe(up).pipe(client);
        });
        server.once('error', reject);
        server.listen(path, () => resolve());
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        sockets.clear();
        if (!server) return resolve();
        server.close(() => {
          if (existsSync(path)) unlinkSync(path);
          resolve();
        });
      }),
  };
}

// kubeterm's API server in a process of its own, for store-etcd.bench.ts: the
// durable store (journal + group commit, state file on) in the directory
// given as the first argument, behind the HTTP API server on 127.0.0.1 (plain
// HTTP, as the etcd gateway it is compared with). Its own process, as etcd
// has, so the bench's clients do not share its event loop. Prints one JSON
// line {url, token} once serving; closes the store on SIGTERM.
import { join } from 'node:path';
import { Api } from '../src/api/api.js';
import type { KubeObject } from '../src/api/meta.js';
import { ApiServer } from '../src/apiserver/index.js';
import { openStore } from '../state/index.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: store-etcd-server.ts <state dir> [namespace…]');
const opened = await openStore({ file: join(dir, 'state.json') });
const api = new Api({ store: opened.store });
for (const name of ['default', ...process.argv.slice(3)]) await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } } as KubeObject);
const token = 'bench-token-' + Math.random().toString(36).slice(2);
const server = new ApiServer({ api, host: '127.0.0.1', port: 0, token, watchTimeoutMs: 30 * 60_000 });
const { url } = await server.start();
process.stdout.write(JSON.stringify({ url, token }) + '\n');
process.on('SIGTERM', () => {
  void (async () => {
    await server.stop();
    await opened.close();
    process.exit(0);
  })();
});

// An HTTP watch receives a burst of changes — many made in one turn of the
// event loop, which the server writes to each watcher together — complete
// and in resourceVersion order, and every watcher the same lines.
import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { onChunkLines } from '../helpers/http.js';
import { startTestServer, type TestServer } from './harness.js';

let s: TestServer;

beforeAll(async () => {
  s = await startTestServer({}, { tls: false });
  await s.api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'burst' } } as KubeObject);
});
afterAll(async () => {
  await s?.close();
});

function watchLines(path: string, want: number): { ready: Promise<void>; done: Promise<string[]> } {
  let ready!: () => void;
  const readyP = new Promise<void>((r) => (ready = r));
  const done = new Promise<string[]>((resolve, reject) => {
    const lines: string[] = [];
    const req = request(s.url + path, { headers: { Authorization: `Bearer ${s.token}` } }, (res) => {
      ready();
      onChunkLines(res, (got) => {
        lines.push(...got);
        if (lines.length >= want) {
          req.destroy();
          resolve(lines);
        }
      });
    });
    req.on('error', (e) => (lines.length >= want ? resolve(lines) : reject(e)));
    req.end();
  });
  return { ready: readyP, done };
}

it('delivers a burst of 300 creates to every watcher, complete and in resourceVersion order', async () => {
  const N = 300;
  const watchers = Array.from({ length: 3 }, () => watchLines('/api/v1/namespaces/burst/configmaps?watch=true', N));
  await Promise.all(watchers.map((w) => w.ready));
  await Promise.all(
    Array.from({ length: N }, (_, i) =>
      s.api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'burst' }, data: { i: String(i) } } as KubeObject),
    ),
  );
  const seen = await Promise.all(watchers.map((w) => w.done));
  for (const lines of seen) {
    const events = lines.map((l) => JSON.parse(l) as { type: string; object: KubeObject });
    expect(events.every((e) => e.type === 'ADDED')).toBe(true);
    const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
    expect(rvs.every((rv, i) => i === 0 || rv > rvs[i - 1])).toBe(true);
    expect(new Set(events.map((e) => e.object.metadata.name)).size).toBe(N);
  }
  expect(seen[1]).toEqual(seen[0]);
  expect(seen[2]).toEqual(seen[0]);
});

// KubeWatchSession with a scripted stream and a FakeClock: the informer rules
// a real server is hard to provoke on demand — 410 Expired re-lists and sends
// only differences, lost connections are reported and retried with doubling
// backoff from the last version seen, a normal close resumes at once, a 403
// is reported once and never retried.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { WatchEvent } from '../../src/api/store-types.js';
import { StatusError } from '../../src/api/errors.js';
import { KubeWatchSession, type WatchStream } from '../../src/client/kube-watch.js';
import { FakeClock } from '../../src/util/clock.js';

const cm = (name: string, rv: string, data: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', resourceVersion: rv },
  data,
});

interface Conn {
  query: Record<string, unknown>;
  send(phase: string, obj: unknown): void;
  end(err?: unknown): void;
  aborted: boolean;
}

/** A stream whose connections the test drives by hand. */
function fakeStream() {
  const conns: Conn[] = [];
  const stream: WatchStream = {
    async watch(_path, query, callback, done) {
      const controller = new AbortController();
      let finished = false;
      const conn: Conn = {
        query,
        aborted: false,
        send: (phase, obj) => !finished && callback(phase, obj),
        end: (err) => {
          if (finished) return;
          finished = true;
          done(err ?? null);
        },
      };
      controller.signal.addEventListener('abort', () => {
        conn.aborted = true;
        conn.end(Object.assign(new Error('aborted'), { name: 'AbortError' }));
      });
      conns.push(conn);
      return controller;
    },
  };
  return { stream, conns };
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function session(lists: { items: KubeObject[]; resourceVersion: string }[], opts: { resourceVersion?: string } = {}) {
  const { stream, conns } = fakeStream();
  const clock = new FakeClock();
  const events: string[] = [];
  const raw: WatchEvent[] = [];
  const errors: string[] = [];
  let listed = 0;
  const s = new KubeWatchSession({
    stream,
    path: '/api/v1/namespaces/default/configmaps',
    labelSelector: 'app=x',
    resourceVersion: opts.resourceVersion,
    list: async () => {
      const l = lists[Math.min(listed, lists.length - 1)];
      listed++;
      if (l instanceof Error) throw l;
      return l;
    },
    clock,
    onEvent: (e) => {
      raw.push(e);
      events.push(`${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`);
    },
    onError: (e) => errors.push(e.message),
    timeoutSeconds: 300,
  });
  return { s, conns, clock, events, raw, errors, listed: () => listed };
}

/** With `open` connections so far, the next one is made exactly `ms` from now: none at ms − 1, one more at ms. */
async function expectReconnectAfter(t: ReturnType<typeof session>, ms: number, open: number): Promise<void> {
  t.clock.advance(ms - 1);
  await flush();
  expect(t.conns).toHaveLength(open);
  t.clock.advance(1);
  await flush();
  expect(t.conns).toHaveLength(open + 1);
}

describe('KubeWatchSession', () => {
  it('lists, sends ADDED, then watches from the list version with the selectors and bookmarks', async () => {
    const t = session([{ items: [cm('a', '5')], resourceVersion: '7' }]);
    t.s.start();
    await flush();
    expect(t.events).toEqual(['ADDED a@5']);
    expect(t.conns[0].query).toMatchObject({ resourceVersion: '7', allowWatchBookmarks: true, labelSelector: 'app=x', timeoutSeconds: 300 });
    t.conns[0].send('MODIFIED', cm('a', '8', { v: '2' }));
    t.conns[0].send('BOOKMARK', { kind: 'ConfigMap', metadata: { resourceVersion: '12' } });
    expect(t.events).toEqual(['ADDED a@5', 'MODIFIED a@8']);
    expect(t.raw[1].oldObject?.metadata.resourceVersion).toBe('5');
    // The server ends the watch normally: resume at once from the bookmark's version.
    t.conns[0].end();
    await flush();
    expect(t.conns).toHaveLength(2);
    expect(t.conns[1].query.resourceVersion).toBe('12');
    t.s.stop();
    expect(t.conns[1].aborted).toBe(true);
  });

  it('on 410 Expired re-lists and sends only what changed meanwhile', async () => {
    const t = session([
      { items: [cm('a', '5'), cm('b', '6')], resourceVersion: '7' },
      { items: [cm('a', '5'), cm('c', '20')], resourceVersion: '21' },
    ]);
    t.s.start();
    await flush();
    t.conns[0].send('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 7 (20)' });
    await flush();
    expect(t.errors).toEqual(['too old resource version: 7']);
    expect(t.events).toEqual(['ADDED a@5', 'ADDED b@6', 'ADDED c@20', 'DELETED b@6']);
    expect(t.listed()).toBe(2);
    expect(t.conns[1].query.resourceVersion).toBe('21');
    t.s.stop();
  });

  it('treats an HTTP 410 on connect like an expired version', async () => {
    const t = session([{ items: [cm('a', '9')], resourceVersion: '30' }], { resourceVersion: '3' });
    t.s.start();
    await flush();
    expect(t.conns[0].query.resourceVersion).toBe('3');
    // Started from a version, the caller knows the objects: a change is MODIFIED (without an oldObject it never saw).
    t.conns[0].send('MODIFIED', cm('z', '4'));
    expect(t.raw.map((e) => [e.type, e.oldObject])).toEqual([['MODIFIED', undefined]]);
    t.conns[0].end(Object.assign(new Error('Gone'), { statusCode: 410 }));
    await flush();
    // The re-list: z is gone, a is new.
    expect(t.events).toEqual(['MODIFIED z@4', 'ADDED a@9', 'DELETED z@4']);
    expect(t.conns[1].query.resourceVersion).toBe('30');
    t.s.stop();
  });

  it('reports a lost connection and reconnects with doubling backoff from the last version seen', async () => {
    const t = session([{ items: [], resourceVersion: '7' }]);
    t.s.start();
    await flush();
    t.conns[0].send('ADDED', cm('a', '9'));
    t.conns[0].end(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    await flush();
    expect(t.errors).toEqual(['socket hang up']);
    expect(t.conns).toHaveLength(1);
    await expectReconnectAfter(t, 1000, 1);
    expect(t.conns[1].query.resourceVersion).toBe('9');
    // Fails again before any event: the wait doubles.
    t.conns[1].end(new Error('connect ECONNREFUSED 127.0.0.1:6443'));
    await flush();
    await expectReconnectAfter(t, 2000, 2);
    // No re-list was needed, and nothing was sent twice.
    expect(t.listed()).toBe(1);
    expect(t.events).toEqual(['ADDED a@9']);
    t.s.stop();
  });

  it('retries a failed list with backoff, and sends nothing after stop()', async () => {
    const t = session([new Error('connection refused') as never, { items: [cm('a', '1')], resourceVersion: '2' }]);
    t.s.start();
    await flush();
    expect(t.errors).toEqual(['connection refused']);
    expect(t.conns).toHaveLength(0);
    t.clock.advance(1000);
    await flush();
    expect(t.events).toEqual(['ADDED a@1']);
    t.s.stop();
    t.conns[0].send('ADDED', cm('b', '3'));
    expect(t.events).toEqual(['ADDED a@1']);
  });

  it('reports other watch errors and retries after a backoff instead of spinning', async () => {
    const t = session([{ items: [], resourceVersion: '7' }]);
    t.s.start();
    await flush();
    t.conns[0].send('ERROR', { kind: 'Status', code: 500, reason: 'InternalError', message: 'etcd is sad' });
    await flush();
    expect(t.errors).toEqual(['etcd is sad']);
    expect(t.conns).toHaveLength(1);
    t.clock.advance(1000);
    await flush();
    expect(t.conns).toHaveLength(2);
    // The same error again: the wait doubles, it does not restart at 1 s.
    t.conns[1].send('ERROR', { kind: 'Status', code: 500, reason: 'InternalError', message: 'etcd is sad' });
    await flush();
    await expectReconnectAfter(t, 2000, 2);
    t.s.stop();
  });

  it.each([
    ['the list', 'list'],
    ['the watch request (HTTP 403)', 'http'],
    ['an ERROR event', 'event'],
  ])('a 403 from %s is reported once with the server’s message and never retried', async (_what, where) => {
    const message = 'configmaps is forbidden: User "system:serviceaccount:team:reader" cannot list resource "configmaps" in API group "" in the namespace "default"';
    const refusal = new StatusError(403, 'Forbidden', message);
    const t = session(where === 'list' ? [refusal as never] : [{ items: [cm('a', '1')], resourceVersion: '2' }]);
    t.s.start();
    await flush();
    if (where === 'http') t.conns[0].end(Object.assign(new Error('Forbidden'), { statusCode: 403 }));
    if (where === 'event') t.conns[0].send('ERROR', { kind: 'Status', code: 403, reason: 'Forbidden', message });
    await flush();
    expect(t.errors).toEqual([where === 'http' ? 'watch /api/v1/namespaces/default/configmaps: Forbidden' : message]);
    const conns = t.conns.length;
    // However long the user waits: no list, no watch, no second report.
    for (let i = 0; i < 10; i++) {
      t.clock.advance(60_000);
      await flush();
    }
    expect(t.conns).toHaveLength(conns);
    expect(t.listed()).toBe(1);
    expect(t.errors).toHaveLength(1);
    t.s.stop();
  });
});

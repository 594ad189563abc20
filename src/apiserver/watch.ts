// Watch over HTTP: a chunked application/json stream of
// {"type":"ADDED","object":{...}} lines, as the Kubernetes API server sends.
// resourceVersion '' or '0' starts with the current state as ADDED; a given
// version replays from the store's log; one too old for the log is answered by
// a single ERROR event carrying a 410 Expired Status. Selectors are applied on
// both the old and the new object, so an object that stops matching arrives as
// DELETED and one that starts matching as ADDED. `timeoutSeconds` ends the
// stream; `allowWatchBookmarks` adds periodic BOOKMARK events; `as=Table`
// turns every object into a one-row Table (kubectl get -w). A watch of a
// custom kind ends when its CRD no longer serves it.
import type { ServerResponse } from 'node:http';
import type { Api } from '../api/api.js';
import { expired } from '../api/errors.js';
import { apiVersionOf } from '../api/kinds.js';
import type { KubeObject } from '../api/meta.js';
import type { WatchEvent, WatchHandle } from '../api/store-types.js';
import { buildTable, printerFor, tableRow, type IncludeObject } from './printers/index.js';
import type { ResourceRequest } from './request-info.js';
import { toStatusError } from './respond.js';
import { boolParam } from './negotiate.js';
import { servedJson } from './object-json.js';
import { outbound } from './versions.js';

export interface WatchStreamOptions {
  api: Api;
  res: ServerResponse;
  rr: ResourceRequest;
  query: URLSearchParams;
  filter?: (o: KubeObject) => boolean;
  table?: { include: IncludeObject };
  now: () => number;
  bookmarkIntervalMs: number;
  /** Longest stream when the client gives no timeoutSeconds (Kubernetes: 30–60 min). */
  defaultTimeoutMs: number;
  /** Buffered bytes beyond which a watcher is considered too slow and closed. */
  maxBufferedBytes: number;
  /** Registers the stream so ApiServer.stop() can end it. */
  track(close: () => void): () => void;
}

// Stored objects are frozen and shared by every watcher, so each is serialised
// once per served version no matter how many watchers receive it (watch
// fan-out), and that text is the one the journal and lists use too.

/** One event's line per object version, event type and served version: shared by every watcher that sends it. */
const lineCaches = new Map<string, WeakMap<object, Record<string, string>>>();
function eventLine(type: string, rr: ResourceRequest, obj: KubeObject): string {
  const version = apiVersionOf(rr.info);
  let cache = lineCaches.get(version);
  if (!cache) lineCaches.set(version, (cache = new WeakMap()));
  let lines = cache.get(obj);
  if (!lines) {
    lines = {};
    if (Object.isFrozen(obj)) cache.set(obj, lines);
  }
  return (lines[type] ??= `{"type":"${type}","object":${servedJson(rr, obj)}}\n`);
}

export function serveWatch(o: WatchStreamOptions): void {
  const { api, res, rr, query } = o;
  const info = rr.info;
  const nameFilter = rr.name;
  const matches = (obj: KubeObject | undefined): boolean => {
    if (!obj) return false;
    if (nameFilter && obj.metadata.name !== nameFilter) return false;
    return o.filter ? o.filter(obj) : true;
  };
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  let closed = false;
  let handle: WatchHandle | undefined;
  let sentTableHeader = false;
  const printer = printerFor(info);

  const encode = (obj: unknown): unknown => {
    if (!o.table || (obj as KubeObject).kind === 'Status') return obj;
    const table = buildTable(info, [], { now: o.now(), include: o.table.include, noHeaders: sentTableHeader });
    sentTableHeader = true;
    const row = tableRow(obj as KubeObject, printer, o.now(), o.table.include);
    if (o.table.include === 'Object') row.object = outbound(rr, obj as KubeObject);
    table.rows = [row];
    table.metadata = { resourceVersion: (obj as KubeObject).metadata.resourceVersion };
    return table;
  };
  // Lines wait for the end of this turn of the event loop and go out in one
  // write: a burst of changes (a group commit's worth) costs each watcher one
  // socket write instead of one per event.
  let pending: string[] = [];
  let flushScheduled = false;
  const flush = (): void => {
    flushScheduled = false;
    if (closed || pending.length === 0) return;
    const text = pending.length === 1 ? pending[0] : pending.join('');
    pending = [];
    res.write(text);
    if (res.writableLength > o.maxBufferedBytes) finish(); // too slow a reader: Kubernetes closes it too
  };
  const send = (type: string, obj: unknown): void => {
    if (closed) return;
    pending.push(
      type === 'BOOKMARK' || type === 'ERROR'
        ? `{"type":"${type}","object":${JSON.stringify(obj)}}\n`
        : o.table
          ? `{"type":"${type}","object":${JSON.stringify(encode(obj))}}\n`
          : eventLine(type, rr, obj as KubeObject),
    );
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };

  const untrack = o.track(() => finish());
  const timers: NodeJS.Timeout[] = [];
  // A custom kind's watches end when its CRD goes or stops serving this version, as the
  // apiextensions-apiserver tears down the kind's storage; clients relist and see the 404.
  const stopKindWatch = api.kinds.onChange(() => {
    if (api.kinds.lookup(rr.group, rr.version, rr.resource)?.kind !== info.kind) finish();
  });
  function finish(): void {
    if (closed) return;
    if (!res.destroyed) flush(); // what was sent before the end goes out before it
    if (closed) return;
    closed = true;
    stopKindWatch();
    handle?.stop();
    for (const t of timers) clearTimeout(t);
    untrack();
    res.end();
  }
  res.on('close', finish);

  // Validated by the caller; zero or absent means the server's default, a negative value ends the stream at once.
  const timeoutSeconds = Number(query.get('timeoutSeconds') || 0);
  const timeoutMs = timeoutSeconds === 0 ? o.defaultTimeoutMs : Math.max(0, timeoutSeconds * 1000);
  timers.push(setTimeout(finish, timeoutMs));

  let lastRv = api.store.resourceVersion();
  if (boolParam(query, 'allowWatchBookmarks')) {
    const bookmark = () => {
      send('BOOKMARK', { kind: info.kind, apiVersion: apiVersionOf(info), metadata: { resourceVersion: lastRv } });
      timers.push(setTimeout(bookmark, o.bookmarkIntervalMs));
    };
    timers.push(setTimeout(bookmark, o.bookmarkIntervalMs));
  }

  const rv = query.get('resourceVersion') ?? '';
  try {
    handle = api.watch(info.kind, { namespace: rr.namespace || undefined, resourceVersion: rv === '' ? '0' : rv }, (ev: WatchEvent) => {
      lastRv = ev.object.metadata.resourceVersion ?? lastRv;
      const now = matches(ev.object);
      const before = ev.type === 'MODIFIED' ? matches(ev.oldObject) : now;
      if (ev.type === 'MODIFIED' && now !== before) send(now ? 'ADDED' : 'DELETED', ev.object);
      else if (now) send(ev.type, ev.object);
    });
  } catch (e) {
    const err = toStatusError(e);
    send('ERROR', (err.code === 410 ? expired(err.message) : err).toStatus());
    finish();
    return;
  }
  if (closed) handle.stop();
}

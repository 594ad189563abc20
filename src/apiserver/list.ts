// GET on a collection: a List of objects, or a meta.k8s.io Table of them for
// `kubectl get`, written as a stream of pieces from per-object JSON texts
// computed once per object version (object-json.ts) — never one giant
// JSON.stringify of the whole answer.
//
// Paging (`limit`, `continue`: list-pages.ts) is served with the API's
// consistent-snapshot guarantee for Lists. A Table answers in one response
// whatever `limit` says, as the API allows ("Servers may choose not to
// support the limit argument and will return all of the available
// results"): kubectl asks for tables in pages of 500 but prints nothing
// before it has them all, and its client allows itself 5 requests a second
// after a burst of 10, so 10,000 pods in 20 pages cost it over 2 s of waiting
// however fast each page is. A table is a display; a List is what programs
// page through, and there `limit` is honoured.
import type { ServerResponse } from 'node:http';
import { apiVersionOf } from '../api/kinds.js';
import { listPage, type ListPage } from './list-pages.js';
import { includeObject, intParam, selectorPredicate, wantsTable } from './negotiate.js';
import { partialMetadataJson, servedJson } from './object-json.js';
import { printerFor, type Cell, type IncludeObject, type Printer } from './printers/index.js';
import type { KubeObject } from '../api/meta.js';
import type { ResourceRequest } from './request-info.js';
import type { ResourceContext } from './resources.js';

export async function handleList(c: ResourceContext): Promise<void> {
  const { api, rr, query } = c;
  const table = wantsTable(c.req);
  const limit = intParam(query, 'limit') ?? 0;
  const page = listPage(api, {
    kind: rr.info.kind,
    namespace: rr.namespace || undefined,
    filter: selectorPredicate(query, rr.info.kind),
    limit: table ? 0 : limit,
    continueToken: query.get('continue') || undefined,
    now: c.now(),
  });
  const pieces = table ? tablePieces(rr, page, includeObject(query), c.now()) : listPieces(rr, page);
  await streamJson(c.res, 200, pieces);
}

function listMetadata(page: ListPage): string {
  const m: Record<string, unknown> = { resourceVersion: page.resourceVersion };
  if (page.continue) m.continue = page.continue;
  if (page.remainingItemCount !== undefined) m.remainingItemCount = page.remainingItemCount;
  return JSON.stringify(m);
}

// Pieces are flat strings pushed one by one (no `a + b` ropes per row to
// flatten later): the writer joins them into chunks in one copy.

function listPieces(rr: ResourceRequest, page: ListPage): string[] {
  const kind = rr.info.listKind ?? `${rr.info.kind}List`;
  const out = [`{"kind":${JSON.stringify(kind)},"apiVersion":${JSON.stringify(apiVersionOf(rr.info))},"metadata":${listMetadata(page)},"items":[`];
  const items = page.items;
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out.push(',');
    out.push(servedJson(rr, items[i]));
  }
  out.push(']}');
  return out;
}

function tablePieces(rr: ResourceRequest, page: ListPage, include: IncludeObject, now: number): string[] {
  const printer = printerFor(rr.info);
  const out = [`{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":${listMetadata(page)},"columnDefinitions":${JSON.stringify(printer.columns)},"rows":[`];
  const items = page.items;
  for (let i = 0; i < items.length; i++) {
    const o = items[i];
    out.push(i === 0 ? '{"cells":' : ',{"cells":', cellsJson(printer, o, now));
    // Cells are printed from the stored version; a whole object goes out in the request's version.
    if (include === 'Object') out.push(',"object":', servedJson(rr, o), '}');
    else if (include === 'Metadata') out.push(',"object":', partialMetadataJson(o), '}');
    else out.push('}');
  }
  out.push(']}');
  return out;
}

/**
 * A row's cells as JSON text. Cells are printed afresh for every request (AGE
 * moves with the clock), but the text of the last cells printed for an object
 * version is kept and reused while they come out the same — for objects older
 * than a few minutes, nearly always.
 */
const lastCells = new WeakMap<Printer, WeakMap<KubeObject, { cells: Cell[]; json: string }>>();
function cellsJson(printer: Printer, obj: KubeObject, now: number): string {
  const cells = printer.cells(obj, now);
  let byObj = lastCells.get(printer);
  if (!byObj) lastCells.set(printer, (byObj = new WeakMap()));
  const last = byObj.get(obj);
  if (last && last.cells.length === cells.length && last.cells.every((c, i) => c === cells[i])) return last.json;
  const json = JSON.stringify(cells);
  if (Object.isFrozen(obj)) byObj.set(obj, { cells, json });
  return json;
}

/** About this many characters go out per write: few syscalls and TLS records, no whole-answer string. */
const CHUNK_CHARS = 256 * 1024;
/**
 * The writer waits for a slow reader once this much is queued on the socket.
 * A reader that keeps up is never waited for (each wait is an event-loop round
 * trip); one that does not holds at most this much of its answer in memory.
 */
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

/**
 * Writes a JSON answer from its pieces, chunk by chunk, waiting for the socket
 * to drain when the client reads much slower than the server writes. Everything
 * that can fail with a Status has been decided before the first byte.
 */
export async function streamJson(res: ServerResponse, code: number, pieces: Iterable<string>): Promise<void> {
  res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  let buf: string[] = [];
  let size = 0;
  for (const p of pieces) {
    buf.push(p);
    size += p.length;
    if (size < CHUNK_CHARS) continue;
    const more = res.write(buf.join(''));
    buf = [];
    size = 0;
    if (!more && res.writableLength > MAX_QUEUED_BYTES && !(await drained(res))) return;
  }
  res.end(buf.join(''));
}

/** True once the socket drained; false when the client went away. */
function drained(res: ServerResponse): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}


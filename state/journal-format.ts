// The journal beside the state file (`<state file>.journal`): every group
// commit since the last snapshot, appended and fsynced before the commit is
// acknowledged. Rewriting a 57 MB snapshot per commit cost ~1.4 s at 10,000
// pods; a line costs what changed.
//
//   {"kubetermJournal":1,"base":"120"}                      ← header: continues the snapshot at rv 120
//   {"rv":"123","records":[{"rv":"121","op":"put","kind":"Pod","namespace":"default","name":"a","object":{…}},
//                          {"rv":"123","op":"delete","kind":"Pod","namespace":"default","name":"b"}]}
//   {"rv":"9000","part":[1,3],"records":[…]}                 ← one large commit as three lines (parts 1..3)
//   {"rv":"9000","part":[2,3],"records":[…]}
//   {"rv":"9000","part":[3,3],"records":[…]}
//
// A commit is one line, or — when it is larger than a line may be (a burst of
// tens of thousands of creates would otherwise be one line of hundreds of MB)
// — consecutive `part` lines sharing the commit's rv, all written by one
// append and one fsync. Replay applies a commit only once all its parts are
// there, so a commit is all or nothing either way: a crash mid-append leaves at
// most a torn last commit (a torn last line, or the first parts of a
// multi-part commit), which was never acknowledged and is dropped with a
// warning. Anything wrong before the last commit is an error naming the file
// and the line: later lines hold acknowledged changes, so kubeterm will not
// guess. Objects go through the same codec as the snapshot (Secrets are
// encrypted exactly as there). Replay applies the records whose rv is newer
// than the snapshot, so replaying a journal over a snapshot that already holds
// some of it (a crash between compaction's two renames) changes nothing.
import type { KubeObject } from '../src/api/meta.js';
import { StateFileError } from './file-format.js';
import { scopeNs } from './keys.js';
import type { StoreChange } from './types.js';

export const JOURNAL_FORMAT = 1;

/** `<state file>.journal`. */
export function journalPathFor(file: string): string {
  return `${file}.journal`;
}

export function journalHeader(base: string): string {
  return `${JSON.stringify({ kubetermJournal: JOURNAL_FORMAT, base })}\n`;
}

/** Above this many characters a commit is split into parts (see the top of this file). */
export const MAX_LINE_CHARS = 8 * 1024 * 1024;

/**
 * One group commit as journal lines: one line, or consecutive `part` lines
 * when the records do not fit in `maxChars` (a record larger than that gets a
 * part of its own; records are never split). `objectJson` gives an object's
 * stored JSON (after the codec).
 */
export function commitLines(changes: readonly StoreChange[], objectJson: (o: KubeObject) => string, maxChars = MAX_LINE_CHARS): string[] {
  const sorted = [...changes].sort((a, b) => Number(a.resourceVersion) - Number(b.resourceVersion));
  const rv = JSON.stringify(sorted.length ? sorted[sorted.length - 1].resourceVersion : '0');
  const groups: string[][] = [[]];
  let size = 0;
  for (const c of sorted) {
    const head = JSON.stringify({ rv: c.resourceVersion, op: c.object ? 'put' : 'delete', kind: c.kind, namespace: c.namespace, name: c.name });
    const record = c.object ? `${head.slice(0, -1)},"object":${objectJson(c.object)}}` : head;
    let group = groups[groups.length - 1];
    if (group.length > 0 && size + record.length + 1 > maxChars) {
      groups.push((group = []));
      size = 0;
    }
    group.push(record);
    size += record.length + 1;
  }
  if (groups.length === 1) return [`{"rv":${rv},"records":[${groups[0].join(',')}]}\n`];
  return groups.map((g, i) => `{"rv":${rv},"part":[${i + 1},${groups.length}],"records":[${g.join(',')}]}\n`);
}

export interface JournalRecord {
  rv: number;
  op: 'put' | 'delete';
  kind: string;
  namespace: string;
  name: string;
  /** The stored form (before the codec's decode), for puts. */
  object?: unknown;
  /** 1-based line in the journal, for errors. */
  line: number;
}

export interface ParsedJournal {
  /** The rv of the snapshot this journal continues; undefined for an empty journal. */
  base?: number;
  records: JournalRecord[];
  /** Highest batch rv in the journal (0 when none). */
  rv: number;
  /** A torn last commit that was dropped (a torn or garbled last line, or the first parts of a multi-part commit): what to warn about. */
  dropped?: { line: number; bytes: number; why: string };
  lines: number;
  /** Bytes from the start up to the end of the last whole commit: what stays when a torn tail is cut off. */
  goodBytes: number;
}

/** Builds the error for damage before the last line. */
export function journalCorrupt(file: string, line: number, total: number, why: string, cause?: unknown): StateFileError {
  return new StateFileError(
    `state journal ${file} is corrupt at line ${line} of ${total} (${why}); kubeterm will not start over it, since the lines after it ` +
      `hold acknowledged changes. Inspect the journal and remove the damaged line to keep the rest, or move ${file} aside to start ` +
      `from the state file alone (losing the changes recorded in the journal), or use --state to choose another file.`,
    file,
    'corrupt',
    { cause },
  );
}

/** Parses journal text; throws StateFileError for damage anywhere but the last commit. */
export function parseJournal(text: string, file: string): ParsedJournal {
  const out: ParsedJournal = { records: [], rv: 0, lines: 0, goodBytes: 0 };
  if (text === '') return out;
  const parts = text.split('\n');
  // Text ending in '\n' splits into a final ''; otherwise the last part is a line cut short.
  const complete = text.endsWith('\n');
  if (complete) parts.pop();
  const total = parts.length;
  out.lines = total;
  let prevRv = -1;
  /** Character offset where the current line starts, and where the last whole commit ends. */
  let at = 0;
  let goodChars = 0;
  /** A multi-part commit still missing parts: its records wait until the last part is read. */
  let open: { rv: number; n: number; of: number; line: number; records: JournalRecord[] } | undefined;
  for (let i = 0; i < total; i++) {
    const lineNo = i + 1;
    const isLast = i === total - 1;
    at += parts[i].length + 1;
    const fail = (why: string, cause?: unknown): void => {
      if (isLast) {
        // A torn last line drops the commit it belongs to, every part of it.
        const from = open ? open.line : lineNo;
        const whyAll = open ? `${why}; it was part ${open.n + 1} of ${open.of} of the commit at resourceVersion ${open.rv}, begun at line ${open.line}` : why;
        out.dropped = { line: from, bytes: Buffer.byteLength(text.slice(goodChars)), why: whyAll };
        return;
      }
      throw journalCorrupt(file, lineNo, total, why, cause);
    };
    if (isLast && !complete) {
      fail('the line is incomplete: an append cut short');
      break;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(parts[i]);
    } catch (e) {
      fail(`invalid JSON: ${(e as Error).message}`, e);
      break;
    }
    if (i === 0) {
      const h = doc as { kubetermJournal?: unknown; base?: unknown };
      if (!h || typeof h !== 'object' || h.kubetermJournal === undefined) {
        fail('the first line is not a journal header');
        break;
      }
      if (h.kubetermJournal !== JOURNAL_FORMAT) {
        throw new StateFileError(
          `state journal ${file} has format ${String(h.kubetermJournal)}, written by another kubeterm; this kubeterm reads format ${JOURNAL_FORMAT}. ` +
            'Upgrade kubeterm, or use --state to choose another file.',
          file,
          'newer-schema',
        );
      }
      if (typeof h.base !== 'string' || !/^\d+$/.test(h.base)) {
        fail('the header has no valid base resourceVersion');
        break;
      }
      out.base = Number(h.base);
      goodChars = at;
      continue;
    }
    const batch = checkBatch(doc, lineNo);
    if (typeof batch === 'string') {
      fail(batch);
      break;
    }
    if (open) {
      // The next part of the open commit, and nothing else, may follow.
      if (!batch.part || batch.rv !== open.rv || batch.part[0] !== open.n + 1 || batch.part[1] !== open.of) {
        const got = batch.part ? `part ${batch.part[0]} of ${batch.part[1]} at resourceVersion ${batch.rv}` : `a commit at resourceVersion ${batch.rv}`;
        fail(`expected part ${open.n + 1} of ${open.of} of the commit at resourceVersion ${open.rv} (begun at line ${open.line}), found ${got}`);
        break;
      }
      open.n++;
      open.records.push(...batch.records);
    } else {
      if (batch.rv <= prevRv) {
        fail(`resourceVersion ${batch.rv} does not follow ${prevRv}`);
        break;
      }
      if (batch.part && batch.part[0] !== 1) {
        fail(`part ${batch.part[0]} of ${batch.part[1]} of the commit at resourceVersion ${batch.rv} without the parts before it`);
        break;
      }
      if (batch.part) open = { rv: batch.rv, n: 1, of: batch.part[1], line: lineNo, records: batch.records };
      else open = { rv: batch.rv, n: 1, of: 1, line: lineNo, records: batch.records };
    }
    if (open.n < open.of) {
      if (isLast) {
        // The commit's last line is whole, but parts after it never reached the disk.
        out.dropped = {
          line: open.line,
          bytes: Buffer.byteLength(text.slice(goodChars)),
          why: `the commit at resourceVersion ${open.rv} has ${open.n} of its ${open.of} parts: an append cut short`,
        };
      }
      continue;
    }
    prevRv = open.rv;
    out.rv = open.rv;
    for (const r of open.records) out.records.push(r);
    open = undefined;
    goodChars = at;
  }
  out.goodBytes = goodChars === text.length ? Buffer.byteLength(text) : Buffer.byteLength(text) - Buffer.byteLength(text.slice(goodChars));
  return out;
}

/** A batch line's records, or why it is not one. */
function checkBatch(doc: unknown, line: number): { rv: number; part?: [number, number]; records: JournalRecord[] } | string {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return 'not a JSON object';
  const d = doc as { rv?: unknown; part?: unknown; records?: unknown };
  if (typeof d.rv !== 'string' || !/^\d+$/.test(d.rv)) return 'missing or invalid rv';
  let part: [number, number] | undefined;
  if (d.part !== undefined) {
    const p = d.part;
    const ok = Array.isArray(p) && p.length === 2 && p.every((x) => Number.isInteger(x)) && p[0] >= 1 && p[1] >= 2 && p[0] <= p[1];
    if (!ok) return `invalid part ${JSON.stringify(p)}`;
    part = [p[0] as number, p[1] as number];
  }
  if (!Array.isArray(d.records)) return '"records" is not a list';
  const records: JournalRecord[] = [];
  for (let j = 0; j < d.records.length; j++) {
    const r = d.records[j] as Record<string, unknown> | null;
    if (!r || typeof r !== 'object') return `records[${j}] is not an object`;
    if (typeof r.rv !== 'string' || !/^\d+$/.test(r.rv)) return `records[${j}] has no valid rv`;
    if (r.op !== 'put' && r.op !== 'delete') return `records[${j}] has unknown op ${JSON.stringify(r.op)}`;
    if (typeof r.kind !== 'string' || typeof r.namespace !== 'string' || typeof r.name !== 'string' || !r.kind || !r.name) {
      return `records[${j}] has no kind, namespace and name`;
    }
    if (r.op === 'put' && (!r.object || typeof r.object !== 'object')) return `records[${j}] puts no object`;
    records.push({ rv: Number(r.rv), op: r.op, kind: r.kind, namespace: r.namespace, name: r.name, object: r.object, line });
  }
  return { rv: Number(d.rv), part, records };
}

/** The store's key for an object as stored (works for encrypted Secrets too: kind, name and namespace stay readable). */
export function storedKey(o: { kind?: unknown; metadata?: { namespace?: unknown; name?: unknown } }): string {
  const kind = String(o.kind ?? '');
  const ns = typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : undefined;
  return `${kind}\0${scopeNs(kind, ns)}\0${String(o.metadata?.name ?? '')}`;
}

export interface Replayed<T> {
  objects: T[];
  resourceVersion: string;
  /** Records applied (newer than the snapshot). */
  applied: number;
}

/**
 * Applies the journal's records newer than the snapshot to its objects.
 * `decode` turns a stored object into T (it may throw; the error is wrapped to
 * name the journal line). Throws when the journal does not continue this
 * snapshot (its base is newer: the snapshot was replaced by an older one).
 */
export function replayJournal<T extends { kind?: unknown; metadata?: object }>(
  snapshot: { resourceVersion: string; objects: readonly T[] },
  journal: ParsedJournal,
  files: { state: string; journal: string },
  decode: (stored: unknown) => T,
): Replayed<T> {
  const snapRv = Number(snapshot.resourceVersion) || 0;
  if (journal.base !== undefined && journal.base > snapRv) {
    throw new StateFileError(
      `state journal ${files.journal} continues the state at resourceVersion ${journal.base}, but ${files.state} is at resourceVersion ${snapRv} ` +
        `(the state file was replaced by an older one?): the changes in between are in neither file. Put back the newer state file, ` +
        `or move ${files.journal} aside to start from ${files.state} as it is, or use --state to choose another file.`,
      files.journal,
      'corrupt',
    );
  }
  const byKey = new Map<string, T>();
  for (const o of snapshot.objects) byKey.set(storedKey(o as Parameters<typeof storedKey>[0]), o);
  let rv = snapRv;
  let applied = 0;
  for (const r of journal.records) {
    if (r.rv <= snapRv) continue; // already in the snapshot
    const key = `${r.kind}\0${r.namespace}\0${r.name}`;
    if (r.op === 'delete') byKey.delete(key);
    else {
      let o: T;
      try {
        o = decode(r.object);
      } catch (e) {
        throw new StateFileError(`state journal ${files.journal}: line ${r.line}: ${r.kind} ${r.namespace}/${r.name} cannot be decoded: ${(e as Error).message}`, files.journal, 'corrupt', {
          cause: e,
        });
      }
      byKey.set(key, o);
    }
    rv = Math.max(rv, r.rv);
    applied++;
  }
  if (journal.rv > snapRv) rv = Math.max(rv, journal.rv);
  return { objects: [...byKey.values()], resourceVersion: String(rv), applied };
}

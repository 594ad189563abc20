// The state file on disk: one JSON document, schema-versioned, one object per
// line so it stays readable and diffable while remaining plain JSON:
//
//   {"schemaVersion":2,"resourceVersion":"42","writtenAt":"2026-…","objects":[
//   {…},
//   {…}
//   ]}
//
// Schema 2 is the same document, now a snapshot: changes since it was written
// are appended to a journal beside it (`<file>.journal`, see journal.ts) and
// folded back in by compaction. A schema-1 file (no journal) loads as is and is
// rewritten as schema 2 at once, so an older kubeterm, which would ignore the
// journal, refuses the file instead of silently losing changes.
//
// Loading never guesses: a file that does not parse, or that a newer kubeterm
// wrote, is an error naming the file — starting empty over it would lose the
// user's cluster.
import type { KubeObject } from '../src/api/meta.js';
import { objectJson } from './object-json.js';

export const SCHEMA_VERSION = 2;

export interface StateFile {
  schemaVersion: number;
  resourceVersion: string;
  writtenAt: string;
  objects: KubeObject[];
}

/**
 * Per-object transform between memory and disk. The hook for encrypting
 * Secrets at rest later: encode may return any JSON value, decode must undo it.
 */
export interface ObjectCodec {
  encode(obj: KubeObject): unknown;
  decode(stored: unknown): KubeObject;
}

/** A state file that cannot be loaded; the message says which file, why, and what to do. */
export class StateFileError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly kind: 'corrupt' | 'newer-schema',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StateFileError';
  }
}

/**
 * Serialises state files. Stored objects are frozen, so each one's JSON is
 * computed once and reused by every later write: a write of 10,000 objects
 * where 10 changed stringifies 10.
 */
export class StateFileEncoder {
  private readonly cache = new WeakMap<object, string>();

  constructor(private readonly codec?: ObjectCodec) {}

  encode(data: StateFile): string {
    return [...this.encodeChunks(data)].join('');
  }

  /**
   * The same text in pieces of about `chunkChars` characters, produced lazily:
   * a writer that awaits between pieces lets other work (journal appends) run
   * while a large snapshot is serialised.
   */
  *encodeChunks(data: StateFile, chunkChars = 1 << 20): Generator<string> {
    const head = JSON.stringify({ schemaVersion: data.schemaVersion, resourceVersion: data.resourceVersion, writtenAt: data.writtenAt });
    const n = data.objects.length;
    let parts: string[] = [`${head.slice(0, -1)},"objects":[${n ? '\n' : ''}`];
    let size = 0;
    for (let i = 0; i < n; i++) {
      const s = this.object(data.objects[i]);
      parts.push(i + 1 < n ? s + ',\n' : s + '\n');
      size += s.length;
      if (size >= chunkChars) {
        yield parts.join('');
        parts = [];
        size = 0;
      }
    }
    parts.push(']}\n');
    yield parts.join('');
  }

  /**
   * One object's stored JSON (after the codec), cached while the object is
   * frozen. Shared with the journal; an object the codec leaves as it is has
   * the process-wide text of its version (object-json.ts), which the API
   * server's watches and lists reuse.
   */
  object(obj: KubeObject): string {
    let s = this.cache.get(obj);
    if (s === undefined) {
      const stored = this.codec ? this.codec.encode(obj) : obj;
      if (stored === obj) return objectJson(obj);
      s = JSON.stringify(stored);
      if (Object.isFrozen(obj)) this.cache.set(obj, s);
    }
    return s;
  }
}

/** Parses and checks a state file's text. `backup` is named in the error so the user knows the way back. */
export function decodeStateFile(
  text: string,
  file: string,
  /** `journal`: the backup's journal copy, when the state that loaded had a journal (see backup.ts). */
  backup: { path: string; exists: boolean; journal?: string },
  codec?: ObjectCodec,
): StateFile {
  const corrupt = (why: string, cause?: unknown) =>
    new StateFileError(
      `state file ${file} is corrupt (${why}); kubeterm will not start over it. ` +
        (backup.exists
          ? `A backup of the last good state is at ${backup.path}` +
            (backup.journal ? ` with its journal ${backup.journal} (copy that over ${file}.journal too)` : '') +
            `: inspect it and copy it over ${file} to restore`
          : `No backup exists at ${backup.path}; move the file aside to start empty`) +
        ', or use --state to choose another file.',
      file,
      'corrupt',
      { cause },
    );
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw corrupt(text.trim() === '' ? 'the file is empty' : `invalid JSON: ${(e as Error).message}`, e);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw corrupt('not a JSON object');
  const doc = raw as Record<string, unknown>;
  const v = doc.schemaVersion;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw corrupt('missing or invalid schemaVersion');
  if (v > SCHEMA_VERSION) {
    throw new StateFileError(
      `state file ${file} has schema version ${v}, written by a newer kubeterm; this kubeterm supports schema version ${SCHEMA_VERSION}. ` +
        'Upgrade kubeterm, or use --state to choose another file.',
      file,
      'newer-schema',
    );
  }
  if (typeof doc.resourceVersion !== 'string' || !/^\d+$/.test(doc.resourceVersion)) throw corrupt('missing or invalid resourceVersion');
  if (!Array.isArray(doc.objects)) throw corrupt('"objects" is not a list');
  const objects: KubeObject[] = [];
  for (let i = 0; i < doc.objects.length; i++) {
    let o: KubeObject;
    try {
      o = codec ? codec.decode(doc.objects[i]) : (doc.objects[i] as KubeObject);
    } catch (e) {
      throw corrupt(`objects[${i}] cannot be decoded: ${(e as Error).message}`, e);
    }
    if (!o || typeof o !== 'object' || typeof o.kind !== 'string' || !o.metadata || typeof o.metadata.name !== 'string') {
      throw corrupt(`objects[${i}] is not a Kubernetes object with kind and metadata.name`);
    }
    objects.push(o);
  }
  return {
    schemaVersion: v,
    resourceVersion: doc.resourceVersion,
    writtenAt: typeof doc.writtenAt === 'string' ? doc.writtenAt : '',
    objects,
  };
}

// Conversion between the versions a kind is served in (KindInfo.alsoServed)
// and the one it is stored in. The store, the controllers and the Api work on
// the stored version only; the edges that meet clients — the HTTP API server
// and the Api door for manifests (folder sync, TUI) — convert on the way in
// and, for HTTP, on the way out.
import { StatusError } from '../errors.js';
import type { KubeObject } from '../meta.js';
import { kindInfo } from '../kinds.js';
import { hpaV1FieldPath, hpaV1ToV2, hpaV2ToV1 } from './hpa-v1.js';

interface Converter {
  /** From this version to the stored one. */
  up(obj: KubeObject): KubeObject;
  /** From the stored version to this one. */
  down(obj: KubeObject): KubeObject;
  /** This version's name for a field a stored-version validation error names. */
  fieldPath(storedField: string, stored: KubeObject | undefined): string;
}

/** Keyed by `Kind apiVersion`. Every KindInfo.alsoServed version has one (test/api/convert.test.ts checks). */
const CONVERTERS: Record<string, Converter> = {
  'HorizontalPodAutoscaler autoscaling/v1': { up: hpaV1ToV2, down: hpaV2ToV1, fieldPath: hpaV1FieldPath },
};

function converter(kind: string, apiVersion: string): Converter | undefined {
  return CONVERTERS[`${kind} ${apiVersion}`];
}

/** True when a converter exists for `kind` in `apiVersion`. */
export function hasConverter(kind: string, apiVersion: string): boolean {
  return converter(kind, apiVersion) !== undefined;
}

/** True when `obj` is in a served version other than the stored one and needs converting. */
export function needsConversion(obj: unknown): boolean {
  if (!obj || typeof obj !== 'object') return false;
  const { kind, apiVersion } = obj as { kind?: unknown; apiVersion?: unknown };
  return typeof kind === 'string' && typeof apiVersion === 'string' && converter(kind, apiVersion) !== undefined;
}

/** The object in its kind's stored version (the same object when it already is, or is of no kind we convert). */
export function toStoredVersion<T extends KubeObject>(obj: T): T {
  const c = needsConversion(obj) ? converter(obj.kind, obj.apiVersion) : undefined;
  return c ? (c.up(obj) as T) : obj;
}

/** A stored object as `apiVersion` (the same object when that is the stored version). */
export function toServedVersion<T extends KubeObject>(obj: T, apiVersion: string): T {
  if (obj.apiVersion === apiVersion) return obj;
  const c = converter(obj.kind, apiVersion);
  if (c) return c.down(obj) as T;
  // A custom kind's versions convert with strategy None: only apiVersion changes.
  if (kindInfo(obj.kind)?.custom) return { ...obj, apiVersion };
  return obj;
}

/**
 * A field-validation error (422 Invalid) about the stored-version object,
 * renamed for a client that wrote `apiVersion`: causes and message name that
 * version's fields. Other errors come back unchanged.
 */
export function errorInVersion(e: unknown, kind: string, apiVersion: string, stored: KubeObject | undefined): unknown {
  const c = converter(kind, apiVersion);
  if (!c || !(e instanceof StatusError) || e.reason !== 'Invalid' || !e.details?.causes?.length) return e;
  let message = e.message;
  const causes = e.details.causes.map((cause) => {
    if (!cause.field) return cause;
    const renamed = c.fieldPath(cause.field, stored);
    if (renamed === cause.field) return cause;
    message = message.split(`${cause.field}: `).join(`${renamed}: `);
    return { ...cause, field: renamed };
  });
  return new StatusError(e.code, e.reason, message, { ...e.details, causes }, { cause: e });
}

/**
 * Runs `write` on the stored-version form of `input` (an object of another
 * served version), renaming field errors back into the input's version. The
 * result is what `write` returns: stored-version objects.
 */
export async function writeInStoredVersion<R>(input: KubeObject, write: (stored: KubeObject) => Promise<R>): Promise<R> {
  const stored = toStoredVersion(input);
  try {
    return await write(stored);
  } catch (e) {
    throw errorInVersion(e, input.kind, input.apiVersion, stored);
  }
}

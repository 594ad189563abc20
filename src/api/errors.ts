// Errors in the shape of metav1.Status, so the HTTP server can send them as-is
// and kubectl prints Kubernetes' own wording, e.g.
//   Error from server (NotFound): deployments.apps "web" not found
//   The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0
import { kindInfo, qualifiedKind, qualifiedResource, type KindInfo } from './kinds.js';

export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'Forbidden'
  | 'Unauthorized'
  | 'Expired'
  | 'Gone'
  | 'MethodNotAllowed'
  | 'UnsupportedMediaType'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout'
  | 'TooManyRequests';

export interface StatusCause {
  reason?: string; // FieldValueInvalid, FieldValueRequired, FieldValueNotSupported, FieldValueDuplicate, FieldValueForbidden, FieldValueTooLong
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  apiVersion: 'v1';
  kind: 'Status';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: StatusReason;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StatusError';
  }

  toStatus(): Status {
    return {
      apiVersion: 'v1',
      kind: 'Status',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }

  /** Conflicts, timeouts and unavailability may succeed if retried. */
  get retryable(): boolean {
    return this.code === 409 || this.code === 429 || this.code === 503 || this.code === 504 || this.code === 500;
  }
}

export function isStatusError(e: unknown, reason?: StatusReason): e is StatusError {
  return e instanceof StatusError && (reason === undefined || e.reason === reason);
}

function info(kind: string): KindInfo {
  return (
    kindInfo(kind) ?? {
      kind,
      group: '',
      version: 'v1',
      plural: kind.toLowerCase() + 's',
      singular: kind.toLowerCase(),
      shortNames: [],
      namespaced: true,
      categories: [],
      subresources: [],
      applyOrder: 50,
    }
  );
}

export function notFound(kind: string, name: string): StatusError {
  const i = info(kind);
  return new StatusError(404, 'NotFound', `${qualifiedResource(i)} "${name}" not found`, {
    name,
    group: i.group,
    kind: i.plural,
  });
}

export function alreadyExists(kind: string, name: string): StatusError {
  const i = info(kind);
  return new StatusError(409, 'AlreadyExists', `${qualifiedResource(i)} "${name}" already exists`, {
    name,
    group: i.group,
    kind: i.plural,
  });
}

export function conflict(kind: string, name: string, why: string): StatusError {
  const i = info(kind);
  return new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(i)} "${name}": ${why}`, {
    name,
    group: i.group,
    kind: i.plural,
  });
}

/** The optimistic-concurrency message kubectl users know. */
export function staleConflict(kind: string, name: string): StatusError {
  return conflict(kind, name, 'the object has been modified; please apply your changes to the latest version and try again');
}

export interface FieldError {
  type: 'Invalid' | 'Required' | 'NotSupported' | 'Duplicate' | 'Forbidden' | 'TooLong' | 'TooMany' | 'NotFound';
  field: string;
  value?: unknown;
  detail?: string;
  /** Printed verbatim instead of `value` — Go's %#v rendering of maps/structs, e.g. `map[string]string{"app":"x"}`. */
  valueText?: string;
}

const causeReason: Record<FieldError['type'], string> = {
  Invalid: 'FieldValueInvalid',
  Required: 'FieldValueRequired',
  NotSupported: 'FieldValueNotSupported',
  Duplicate: 'FieldValueDuplicate',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  NotFound: 'FieldValueNotFound',
};

function renderValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Formats one field error the way apimachinery's field.Error.Error() does. */
export function formatFieldError(e: FieldError): string {
  const shown = e.valueText ?? renderValue(e.value);
  switch (e.type) {
    case 'Required':
      return `${e.field}: Required value${e.detail ? `: ${e.detail}` : ''}`;
    case 'Forbidden':
      return `${e.field}: Forbidden${e.detail ? `: ${e.detail}` : ''}`;
    case 'Duplicate':
      return `${e.field}: Duplicate value: ${shown}`;
    case 'NotFound':
      return `${e.field}: Not found: ${shown}`;
    case 'TooLong':
      return `${e.field}: Too long${e.detail ? `: ${e.detail}` : ''}`;
    case 'TooMany':
      return `${e.field}: Too many${e.detail ? `: ${e.detail}` : ''}`;
    case 'NotSupported':
      return `${e.field}: Unsupported value: ${shown}${e.detail ? `: ${e.detail}` : ''}`;
    default:
      return `${e.field}: Invalid value: ${shown}${e.detail ? `: ${e.detail}` : ''}`;
  }
}

export function invalid(kind: string, name: string, errs: FieldError[]): StatusError {
  const i = info(kind);
  const list = errs.map(formatFieldError);
  const body = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return new StatusError(422, 'Invalid', `${qualifiedKind(i)} "${name}" is invalid: ${body}`, {
    name,
    group: i.group,
    kind: i.kind,
    causes: errs.map((e) => ({ reason: causeReason[e.type], message: formatFieldError(e).slice(e.field.length + 2), field: e.field })),
  });
}

export function badRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}

export function forbidden(kind: string, name: string, why: string): StatusError {
  const i = info(kind);
  return new StatusError(403, 'Forbidden', `${qualifiedResource(i)} "${name}" is forbidden: ${why}`, {
    name,
    group: i.group,
    kind: i.plural,
  });
}

export function expired(message: string): StatusError {
  return new StatusError(410, 'Expired', message);
}

export function methodNotAllowed(message: string): StatusError {
  return new StatusError(405, 'MethodNotAllowed', message);
}

/** apimachinery's NewTooManyRequests: 429, with the seconds a client should wait when known (Retry-After). */
export function tooManyRequests(message: string, retryAfterSeconds: number, causes?: StatusCause[]): StatusError {
  return new StatusError(429, 'TooManyRequests', message, { ...(causes ? { causes } : {}), ...(retryAfterSeconds > 0 ? { retryAfterSeconds } : {}) });
}

export function internalError(message: string, cause?: unknown): StatusError {
  return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, undefined, { cause });
}

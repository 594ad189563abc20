// Validation for every served kind, with Kubernetes field paths and messages. (Filled in by the API-machinery work.)
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../meta.js';

/** Field errors for `obj`; `old` is the stored version on update (immutable-field checks). */
export function validateObject(obj: KubeObject, old?: KubeObject): FieldError[] {
  void obj;
  void old;
  return [];
}

/** Paths (e.g. `spec.replicaz`) of fields the kind's schema does not know, for fieldValidation=Strict. */
export function validateUnknownFields(obj: KubeObject): string[] {
  void obj;
  return [];
}

// Turns `--selector` / `--field-selector` strings into the predicate the store
// filters with, using the API layer's parsers (Kubernetes' grammar and
// wording). Parse errors become 400 BadRequest, as the API server answers.
import { badRequest } from '../api/errors.js';
import { parseFieldSelector } from '../api/fieldselector.js';
import type { KubeObject } from '../api/meta.js';
import { parseSelector } from '../api/selectors.js';

type Pred = (o: KubeObject) => boolean;

export function buildFilter(kind: string, labelSelector?: string, fieldSelector?: string): Pred | undefined {
  const preds: Pred[] = [];
  try {
    if (labelSelector?.trim()) {
      const sel = parseSelector(labelSelector);
      if (!sel.empty()) preds.push((o) => sel.matches(o.metadata.labels));
    }
    if (fieldSelector?.trim()) {
      const sel = parseFieldSelector(fieldSelector, kind);
      if (!sel.empty()) preds.push((o) => sel.matches(o));
    }
  } catch (e) {
    throw badRequest((e as Error).message);
  }
  if (!preds.length) return undefined;
  return (o) => preds.every((p) => p(o));
}

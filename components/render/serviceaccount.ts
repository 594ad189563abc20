// serviceaccounts: NAME SECRETS AGE — SECRETS counts `.secrets`, as kubectl
// and k9s (internal/render/sa.go) print it.
import type { ServiceAccount } from '../../src/api/types/index.js';
import { AGE, ageOf, NAME, name } from './common.js';
import type { Renderer } from './types.js';

export const serviceAccountRenderer: Renderer = {
  kind: 'ServiceAccount',
  columns: [NAME, { name: 'SECRETS', priority: 0, align: 'right' }, AGE],
  row: (obj, now) => [name(obj), String((obj as ServiceAccount).secrets?.length ?? 0), ageOf(obj, now)],
  color: () => 'plain',
};

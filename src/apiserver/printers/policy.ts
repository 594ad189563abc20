// The policy/v1 PodDisruptionBudget table (pkg/printers/internalversion
// printPodDisruptionBudget): MIN AVAILABLE and MAX UNAVAILABLE as the
// IntOrString prints (`2`, `50%`), N/A for the one not set, and the
// controller's status.disruptionsAllowed.
import type { PodDisruptionBudget } from '../../api/types/policy.js';
import { AGE_COLUMN, NAME_COLUMN, age, col, type Printer } from './common.js';

const intOrPercent = (v: unknown): string => (v === undefined || v === null ? 'N/A' : String(v));

export const pdbPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Min Available', 'The minimum number of pods that must be available.'),
    col('Max Unavailable', 'The maximum number of pods that may be unavailable.'),
    col('Allowed Disruptions', 'Calculated number of pods that may be disrupted at this time.', { type: 'integer' }),
    AGE_COLUMN,
  ],
  cells: (o, now) => {
    const pdb = o as PodDisruptionBudget;
    return [pdb.metadata.name ?? '', intOrPercent(pdb.spec?.minAvailable), intOrPercent(pdb.spec?.maxUnavailable), pdb.status?.disruptionsAllowed ?? 0, age(pdb, now)];
  },
};

// `kubectl get crd`: NAME and CREATED AT, as the API server's default table
// convertor prints CustomResourceDefinitions.
import type { Printer } from './common.js';
import { NAME_COLUMN, col } from './common.js';

export const crdPrinter: Printer = {
  columns: [NAME_COLUMN, col('Created At', 'CreationTimestamp is a timestamp representing the server time when this object was created.', { type: 'date' })],
  cells: (obj) => [obj.metadata.name ?? '', obj.metadata.creationTimestamp ?? ''],
};

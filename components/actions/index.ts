// Every key binding, in priority order: where views share a key, the first
// binding whose scope the view has wins (per-kind keys before the generic
// table keys, view keys before navigation and the global keys). The order
// also orders the header's hints and the `?` help. Each area's table sits
// beside its actions.
import type { Binding } from '../keys.js';
import { CRONJOB_KEYS } from './cronjobs.js';
import { GENERAL_KEYS } from './general.js';
import { LOG_VIEW_KEYS, OPEN_LOGS_KEYS } from './logs.js';
import { NAVIGATION_KEYS } from './navigation.js';
import { NODE_KEYS } from './nodes.js';
import { POD_KEYS } from './pods.js';
import { PORT_FORWARD_KEYS } from './port-forwards.js';
import { SECRET_KEYS } from './secrets.js';
import { SYNC_KEYS } from './sync.js';
import { TABLE_KEYS } from './table.js';
import { HISTORY_KEYS, WORKLOAD_KEYS } from './workloads.js';

export const BINDINGS: readonly Binding[] = [
  // Per-kind and per-view keys first: they win over generic ones on the same key.
  ...OPEN_LOGS_KEYS,
  ...POD_KEYS,
  ...WORKLOAD_KEYS,
  ...NODE_KEYS,
  ...CRONJOB_KEYS,
  ...PORT_FORWARD_KEYS,
  ...SECRET_KEYS,
  ...HISTORY_KEYS,
  ...SYNC_KEYS,
  // Every resource table.
  ...TABLE_KEYS,
  ...LOG_VIEW_KEYS,
  // Navigation, everywhere something scrolls; then what every view has.
  ...NAVIGATION_KEYS,
  ...GENERAL_KEYS,
];

export { runCommand } from './general.js';
export type { ActionContext, Screen } from './context.js';

// The `:pf` view (k9s' port-forwards): NAME CONTAINER PORTS URL STATUS AGE.
// PORTS is LOCAL:REMOTE as k9s prints it; STATUS says whether the forward
// still answers (Active) or why it stopped (PodGone, Failed).
import { PORT_FORWARD_KIND } from '../logic/port-forward.js';
import { AGE, ageOf, NAME, name, none } from './common.js';
import type { Renderer } from './types.js';

interface ForwardSpec {
  container?: string;
  localPort?: number;
  remotePort?: number;
}

interface ForwardStatus {
  phase?: string;
  url?: string;
}

export const portForwardRenderer: Renderer = {
  kind: PORT_FORWARD_KIND,
  columns: [
    NAME,
    { name: 'CONTAINER', priority: 1 },
    { name: 'PORTS', priority: 0 },
    { name: 'URL', priority: 0 },
    { name: 'STATUS', priority: 0, status: true },
    AGE,
  ],
  row(obj, now) {
    const spec = (obj.spec ?? {}) as ForwardSpec;
    const status = (obj.status ?? {}) as ForwardStatus;
    return [name(obj), none(spec.container), `${spec.localPort ?? ''}:${spec.remotePort ?? ''}`, status.url ?? '', status.phase ?? '', ageOf(obj, now)];
  },
  color(obj) {
    const phase = (obj.status as ForwardStatus | undefined)?.phase;
    return phase === 'Active' ? 'ok' : phase === 'PodGone' ? 'gone' : 'error';
  },
  defaultSort: { column: 'AGE', asc: true },
};

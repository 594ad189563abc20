// Secrets (k9s' secret view): x shows the YAML with the values decoded, and
// in a Secret's describe or YAML flips between masked and decoded.
import type { Binding } from '../keys.js';
import { needObj } from './context.js';

const reveal: Binding['run'] = (c, s) => {
  if (s.view.type === 'yaml' || s.view.type === 'describe') {
    c.setUi({ reveal: !s.ui.reveal });
    if (s.view.type === 'describe') c.replaceView({ type: 'yaml', kind: s.view.kind, namespace: s.view.namespace, name: s.view.name });
    return;
  }
  const o = needObj(c, s);
  if (!o) return;
  c.push({ type: 'yaml', kind: o.kind, namespace: o.metadata.namespace ?? '', name: o.metadata.name ?? '' });
  c.setUi({ reveal: true });
};

export const SECRET_KEYS: Binding[] = [{ key: 'x', label: 'Decode', views: ['Secret', 'secret-text'], action: 'reveal', group: 'resource', hint: true, run: reveal }];

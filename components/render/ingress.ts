// ingresses: NAME CLASS HOSTS ADDRESS PORTS AGE.
import type { Ingress } from '../../src/api/types/index.js';
import { AGE, ageOf, NAME, name } from './common.js';
import type { Renderer } from './types.js';

export const ingressRenderer: Renderer = {
  kind: 'Ingress',
  columns: [NAME, { name: 'CLASS', priority: 2 }, { name: 'HOSTS', priority: 0 }, { name: 'ADDRESS', priority: 1 }, { name: 'PORTS', priority: 2 }, AGE],
  row(obj, now) {
    const ing = obj as Ingress;
    const hosts = (ing.spec?.rules ?? []).map((r) => r.host || '*');
    const addr = (ing.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname).filter(Boolean);
    return [
      name(obj),
      ing.spec?.ingressClassName || '<none>',
      hosts.length ? hosts.join(',') : '*',
      addr.join(','),
      ing.spec?.tls?.length ? '80, 443' : '80',
      ageOf(obj, now),
    ];
  },
  color: () => 'plain',
};

// services: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE.
import type { Service } from '../../src/api/types/index.js';
import { AGE, ageOf, NAME, name } from './common.js';
import type { Renderer } from './types.js';

function lbIngress(s: Service): string[] {
  return (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter(Boolean);
}

/** EXTERNAL-IP as kubectl's getServiceExternalIP prints it. */
export function serviceExternalIP(s: Service): string {
  const ext = s.spec?.externalIPs ?? [];
  switch (s.spec?.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return ext.length ? ext.join(',') : '<none>';
    case 'LoadBalancer': {
      const all = [...lbIngress(s), ...ext];
      return all.length ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return s.spec?.externalName ?? '<none>';
  }
  return '<unknown>';
}

export function servicePorts(s: Service): string {
  const ports = s.spec?.ports ?? [];
  if (!ports.length) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

export const serviceRenderer: Renderer = {
  kind: 'Service',
  columns: [NAME, { name: 'TYPE', priority: 1 }, { name: 'CLUSTER-IP', priority: 2 }, { name: 'EXTERNAL-IP', priority: 3 }, { name: 'PORT(S)', priority: 0 }, AGE],
  row(obj, now) {
    const s = obj as Service;
    return [name(obj), s.spec?.type ?? 'ClusterIP', s.spec?.clusterIP || '<none>', serviceExternalIP(s), servicePorts(s), ageOf(obj, now)];
  },
  color(obj) {
    const s = obj as Service;
    return s.spec?.type === 'LoadBalancer' && serviceExternalIP(s) === '<pending>' ? 'warn' : 'plain';
  },
};

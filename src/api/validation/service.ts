// core/v1 Service, Endpoints; discovery.k8s.io/v1 EndpointSlice.
import type { KubeObject } from '../meta.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortName, isValidPortNum } from '../names.js';
import { duplicate, forbidden, invalid, isNum, isObj, notSupported, required, str, type Errs } from './field.js';
import { goStringSlice } from './gofmt.js';
import { validateLabels } from './meta.js';

type J = Record<string, unknown>;

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
export const NODE_PORT_RANGE = { min: 30000, max: 32767 };

export function isIP(s: string): boolean {
  if (/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s)) return s.split('.').every((p) => Number(p) <= 255 && String(Number(p)) === p);
  return /^[0-9a-fA-F:]+$/.test(s) && s.includes(':') && s.split('::').length <= 2;
}

function validateServicePort(sp: J, requireName: boolean, names: Set<string>, p: string, type: string): Errs {
  const errs: Errs = [];
  const name = str(sp.name);
  if (requireName && !name) errs.push(required(`${p}.name`));
  else if (name) {
    for (const m of isDNS1123Label(name)) errs.push(invalid(`${p}.name`, name, m));
    if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
    else names.add(name);
  }
  if (!isNum(sp.port)) errs.push(required(`${p}.port`));
  else for (const m of isValidPortNum(sp.port)) errs.push(invalid(`${p}.port`, sp.port, m));
  if (!sp.protocol) errs.push(required(`${p}.protocol`));
  else if (!PROTOCOLS.includes(str(sp.protocol))) errs.push(notSupported(`${p}.protocol`, sp.protocol, PROTOCOLS));
  const tp = sp.targetPort;
  if (typeof tp === 'number') for (const m of isValidPortNum(tp)) errs.push(invalid(`${p}.targetPort`, tp, m));
  else if (typeof tp === 'string') for (const m of isValidPortName(tp)) errs.push(invalid(`${p}.targetPort`, tp, m));
  const np = sp.nodePort;
  if (np !== undefined && np !== 0) {
    if (type === 'ClusterIP') errs.push(forbidden(`${p}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
    else if (!isNum(np) || np < NODE_PORT_RANGE.min || np > NODE_PORT_RANGE.max) {
      errs.push(
        invalid(`${p}.nodePort`, np, `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`),
      );
    }
  }
  return errs;
}

export function validateService(obj: KubeObject): Errs {
  const spec: J = isObj(obj.spec) ? obj.spec : {};
  const errs: Errs = [];
  const type = str(spec.type);
  if (!SERVICE_TYPES.includes(type)) errs.push(notSupported('spec.type', spec.type ?? '', SERVICE_TYPES));
  const headless = spec.clusterIP === 'None';
  const ports = Array.isArray(spec.ports) ? (spec.ports as unknown[]) : [];
  if (type === 'ExternalName') {
    const en = str(spec.externalName);
    if (!en) errs.push(required('spec.externalName'));
    else for (const m of isDNS1123Subdomain(en.replace(/\.$/, ''))) errs.push(invalid('spec.externalName', en, m));
  } else if (ports.length === 0 && !headless) {
    errs.push(required('spec.ports'));
  }
  const names = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((sp, i) => {
    if (!isObj(sp)) return;
    const p = `spec.ports[${i}]`;
    errs.push(...validateServicePort(sp, ports.length > 1, names, p, type));
    const key = `${sp.port}/${sp.protocol}`;
    if (seen.has(key)) errs.push(duplicate(p, { port: sp.port, protocol: sp.protocol }));
    seen.add(key);
  });
  const sa = spec.sessionAffinity;
  if (sa !== 'None' && sa !== 'ClientIP') errs.push(notSupported('spec.sessionAffinity', sa ?? '', ['ClientIP', 'None']));
  errs.push(...validateLabels(spec.selector, 'spec.selector'));
  // Externally accessible: NodePort, LoadBalancer, or a ClusterIP with external IPs.
  const external = type === 'NodePort' || type === 'LoadBalancer' || (type === 'ClusterIP' && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);
  if (spec.externalTrafficPolicy !== undefined && !external) {
    errs.push(invalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
  } else if (spec.externalTrafficPolicy !== undefined && spec.externalTrafficPolicy !== 'Cluster' && spec.externalTrafficPolicy !== 'Local') {
    errs.push(notSupported('spec.externalTrafficPolicy', spec.externalTrafficPolicy, ['Cluster', 'Local']));
  }
  if (spec.internalTrafficPolicy !== undefined && spec.internalTrafficPolicy !== 'Cluster' && spec.internalTrafficPolicy !== 'Local') {
    errs.push(notSupported('spec.internalTrafficPolicy', spec.internalTrafficPolicy, ['Cluster', 'Local']));
  }
  const ips = Array.isArray(spec.clusterIPs) ? (spec.clusterIPs as string[]) : spec.clusterIP ? [str(spec.clusterIP)] : [];
  ips.forEach((ip, i) => {
    if (ip === 'None' || ip === '') return;
    if (!isIP(ip)) errs.push(invalid(`spec.clusterIPs[${i}]`, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  if (type === 'ExternalName' && ips.length > 0 && ips[0] !== '') {
    errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
  }
  return errs;
}

function primaryIPs(spec: J): string[] {
  if (Array.isArray(spec.clusterIPs) && spec.clusterIPs.length) return spec.clusterIPs as string[];
  return spec.clusterIP ? [str(spec.clusterIP)] : [];
}

/**
 * A Service's cluster IP cannot change once set (unless the Service is or
 * becomes ExternalName). An update that omits it keeps the allocated one, as
 * Kubernetes' REST layer does, so it is not flagged.
 */
export function validateServiceUpdate(obj: KubeObject, old: KubeObject): Errs {
  const a: J = isObj(obj.spec) ? obj.spec : {};
  const b: J = isObj(old.spec) ? old.spec : {};
  if (a.type === 'ExternalName' || b.type === 'ExternalName') return [];
  const oldIPs = primaryIPs(b);
  const newIPs = primaryIPs(a);
  if (oldIPs.length === 0 || newIPs.length === 0) return [];
  if (oldIPs[0] !== newIPs[0]) return [invalid('spec.clusterIPs[0]', newIPs, 'may not change once set', goStringSlice(newIPs))];
  return [];
}

function validateEndpointPorts(ports: unknown, path: string, requireName: boolean): Errs {
  const errs: Errs = [];
  if (!Array.isArray(ports)) return errs;
  ports.forEach((pt, i) => {
    if (!isObj(pt)) return;
    const p = `${path}[${i}]`;
    if (requireName && !str(pt.name)) errs.push(required(`${p}.name`));
    else if (str(pt.name)) for (const m of isDNS1123Label(str(pt.name))) errs.push(invalid(`${p}.name`, pt.name, m));
    if (isNum(pt.port)) for (const m of isValidPortNum(pt.port)) errs.push(invalid(`${p}.port`, pt.port, m));
    if (pt.protocol !== undefined && !PROTOCOLS.includes(str(pt.protocol))) errs.push(notSupported(`${p}.protocol`, pt.protocol, PROTOCOLS));
  });
  return errs;
}

export function validateEndpoints(obj: KubeObject): Errs {
  const errs: Errs = [];
  const subsets = Array.isArray(obj.subsets) ? (obj.subsets as unknown[]) : [];
  subsets.forEach((s, i) => {
    if (!isObj(s)) return;
    const p = `subsets[${i}]`;
    for (const k of ['addresses', 'notReadyAddresses']) {
      const list = Array.isArray(s[k]) ? (s[k] as unknown[]) : [];
      list.forEach((a, j) => {
        const ip = isObj(a) ? str(a.ip) : '';
        if (!isIP(ip)) errs.push(invalid(`${p}.${k}[${j}].ip`, ip, 'must be a valid IP address'));
      });
    }
    const ports = Array.isArray(s.ports) ? s.ports : [];
    errs.push(...validateEndpointPorts(ports, `${p}.ports`, ports.length > 1));
  });
  return errs;
}

export function validateEndpointSlice(obj: KubeObject): Errs {
  const errs: Errs = [];
  const at = obj.addressType;
  if (at !== 'IPv4' && at !== 'IPv6' && at !== 'FQDN') errs.push(notSupported('addressType', at ?? '', ['FQDN', 'IPv4', 'IPv6']));
  const eps = Array.isArray(obj.endpoints) ? (obj.endpoints as unknown[]) : [];
  eps.forEach((e, i) => {
    if (!isObj(e)) return;
    const addrs = Array.isArray(e.addresses) ? e.addresses : [];
    if (addrs.length === 0) errs.push(required(`endpoints[${i}].addresses`, 'must contain at least 1 address'));
  });
  errs.push(...validateEndpointPorts(obj.ports, 'ports', false));
  return errs;
}

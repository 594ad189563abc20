// networking.k8s.io/v1: Ingress, IngressClass, NetworkPolicy.
import type { KubeObject } from '../meta.js';
import { isDNS1035Label, isDNS1123Subdomain, isValidPortName, isValidPortNum } from '../names.js';
import { invalid, isNum, isObj, notSupported, required, str, type Errs } from './field.js';
import { validateLabelSelector } from './meta.js';

type J = Record<string, unknown>;

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];

function validateBackend(b: unknown, p: string): Errs {
  if (!isObj(b)) return [required(p)];
  const hasService = isObj(b.service);
  const hasResource = isObj(b.resource);
  if (hasService && hasResource) return [invalid(p, '', 'cannot set both resource and service backends')];
  if (hasResource) {
    const r = b.resource as J;
    const errs: Errs = [];
    if (!str(r.kind)) errs.push(required(`${p}.resource.kind`));
    if (!str(r.name)) errs.push(required(`${p}.resource.name`));
    return errs;
  }
  if (!hasService) return [invalid(p, '', 'resource or service backend is required')];
  const svc = b.service as J;
  const errs: Errs = [];
  const name = str(svc.name);
  if (!name) errs.push(required(`${p}.service.name`));
  else for (const m of isDNS1035Label(name)) errs.push(invalid(`${p}.service.name`, name, m));
  const port: J = isObj(svc.port) ? svc.port : {};
  const hasName = !!str(port.name);
  const hasNumber = port.number !== undefined && port.number !== 0;
  if (hasName && hasNumber) errs.push(invalid(`${p}.service.port`, '', 'cannot set both port name & port number'));
  else if (hasName) for (const m of isValidPortName(str(port.name))) errs.push(invalid(`${p}.service.port.name`, port.name, m));
  else if (hasNumber) {
    for (const m of isNum(port.number) ? isValidPortNum(port.number) : ['must be a number']) errs.push(invalid(`${p}.service.port.number`, port.number, m));
  } else errs.push(required(`${p}.service.port`, 'port name or number is required'));
  return errs;
}

function validatePath(path: J, p: string): Errs {
  const errs: Errs = [];
  const pt = path.pathType;
  if (pt === undefined || pt === null || pt === '') return [required(`${p}.pathType`, 'pathType must be specified')];
  const value = str(path.path);
  if (pt === 'Exact' || pt === 'Prefix') {
    if (!value.startsWith('/')) errs.push(invalid(`${p}.path`, value, 'must be an absolute path'));
    if (value.length > 0) {
      for (const seq of INVALID_PATH_SEQUENCES) if (value.includes(seq)) errs.push(invalid(`${p}.path`, value, `must not contain '${seq}'`));
      for (const suf of INVALID_PATH_SUFFIXES) if (value.endsWith(suf)) errs.push(invalid(`${p}.path`, value, `cannot end with '${suf}'`));
    }
  } else if (pt === 'ImplementationSpecific') {
    if (value.length > 0 && !value.startsWith('/')) errs.push(invalid(`${p}.path`, value, 'must be an absolute path'));
  } else {
    errs.push(notSupported(`${p}.pathType`, pt, PATH_TYPES));
  }
  errs.push(...validateBackend(path.backend, `${p}.backend`));
  return errs;
}

function validateHost(host: string, p: string): Errs {
  if (/^(\d{1,3}\.){3}\d{1,3}$/.test(host)) return [invalid(p, host, 'must be a DNS name, not an IP address')];
  if (host.startsWith('*.')) {
    return isDNS1123Subdomain(host.slice(2)).length
      ? [
          invalid(
            p,
            host,
            "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
          ),
        ]
      : [];
  }
  return isDNS1123Subdomain(host).map((m) => invalid(p, host, m));
}

export function validateIngress(obj: KubeObject): Errs {
  const spec: J = isObj(obj.spec) ? obj.spec : {};
  const errs: Errs = [];
  const rules = Array.isArray(spec.rules) ? (spec.rules as unknown[]) : [];
  if (rules.length === 0 && !isObj(spec.defaultBackend)) {
    errs.push(invalid('spec', null, 'either `defaultBackend` or `rules` must be specified', '[]networking.IngressRule(nil)'));
  }
  if (isObj(spec.defaultBackend)) errs.push(...validateBackend(spec.defaultBackend, 'spec.defaultBackend'));
  rules.forEach((r, i) => {
    if (!isObj(r)) return;
    const p = `spec.rules[${i}]`;
    const host = str(r.host);
    if (host) errs.push(...validateHost(host, `${p}.host`));
    if (!isObj(r.http)) return;
    const paths = Array.isArray(r.http.paths) ? (r.http.paths as unknown[]) : [];
    if (paths.length === 0) errs.push(required(`${p}.http.paths`));
    paths.forEach((path, j) => {
      if (isObj(path)) errs.push(...validatePath(path, `${p}.http.paths[${j}]`));
    });
  });
  if (Array.isArray(spec.tls)) {
    spec.tls.forEach((t, i) => {
      if (!isObj(t) || !Array.isArray(t.hosts)) return;
      t.hosts.forEach((h, j) => errs.push(...validateHost(str(h), `spec.tls[${i}].hosts[${j}]`)));
    });
  }
  const cls = spec.ingressClassName;
  if (typeof cls === 'string' && cls) for (const m of isDNS1123Subdomain(cls)) errs.push(invalid('spec.ingressClassName', cls, m));
  return errs;
}

export function validateIngressClass(obj: KubeObject): Errs {
  const spec: J = isObj(obj.spec) ? obj.spec : {};
  const ctl = str(spec.controller);
  if (!ctl) return [required('spec.controller')];
  const parts = ctl.split('/');
  if (parts.length < 2 || !parts[0] || !parts.slice(1).join('/')) {
    return [invalid('spec.controller', ctl, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  }
  return isDNS1123Subdomain(parts[0]).map((m) => invalid('spec.controller', parts[0], m));
}

export function validateNetworkPolicy(obj: KubeObject): Errs {
  const spec: J = isObj(obj.spec) ? obj.spec : {};
  const errs: Errs = [...validateLabelSelector(spec.podSelector, 'spec.podSelector')];
  for (const [dir, peersKey] of [
    ['ingress', 'from'],
    ['egress', 'to'],
  ] as const) {
    const rules = Array.isArray(spec[dir]) ? (spec[dir] as unknown[]) : [];
    rules.forEach((r, i) => {
      if (!isObj(r)) return;
      const p = `spec.${dir}[${i}]`;
      const ports = Array.isArray(r.ports) ? r.ports : [];
      ports.forEach((pt, j) => {
        if (!isObj(pt)) return;
        const pp = `${p}.ports[${j}]`;
        if (pt.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(str(pt.protocol))) {
          errs.push(notSupported(`${pp}.protocol`, pt.protocol, ['SCTP', 'TCP', 'UDP']));
        }
        if (typeof pt.port === 'number') for (const m of isValidPortNum(pt.port)) errs.push(invalid(`${pp}.port`, pt.port, m));
        else if (typeof pt.port === 'string') for (const m of isValidPortName(pt.port)) errs.push(invalid(`${pp}.port`, pt.port, m));
      });
      const peers = Array.isArray(r[peersKey]) ? (r[peersKey] as unknown[]) : [];
      peers.forEach((peer, j) => {
        if (!isObj(peer)) return;
        const pp = `${p}.${peersKey}[${j}]`;
        const n = ['podSelector', 'namespaceSelector', 'ipBlock'].filter((k) => isObj(peer[k])).length;
        if (n === 0) errs.push(required(pp, 'must specify a peer'));
        if (isObj(peer.ipBlock) && (peer.podSelector || peer.namespaceSelector)) errs.push(invalid(pp, '', 'may not specify both ipBlock and another peer'));
        if (isObj(peer.podSelector)) errs.push(...validateLabelSelector(peer.podSelector, `${pp}.podSelector`));
        if (isObj(peer.namespaceSelector)) errs.push(...validateLabelSelector(peer.namespaceSelector, `${pp}.namespaceSelector`));
        if (isObj(peer.ipBlock) && !str(peer.ipBlock.cidr)) errs.push(required(`${pp}.ipBlock.cidr`));
      });
    });
  }
  if (Array.isArray(spec.policyTypes)) {
    spec.policyTypes.forEach((t, i) => {
      if (t !== 'Ingress' && t !== 'Egress') errs.push(notSupported(`spec.policyTypes[${i}]`, t, ['Egress', 'Ingress']));
    });
  }
  return errs;
}

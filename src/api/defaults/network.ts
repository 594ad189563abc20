// Defaults for Service, Endpoints, EndpointSlice, NetworkPolicy and IngressClass.
import { child, isObj, setIfUnset, type Json } from './normalize.js';

export function defaultService(obj: Json): void {
  const spec = child(obj, 'spec');
  setIfUnset(spec, 'sessionAffinity', 'None');
  setIfUnset(spec, 'type', 'ClusterIP');
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = child(child(spec, 'sessionAffinityConfig'), 'clientIP');
    setIfUnset(cfg, 'timeoutSeconds', 10800);
  }
  if (Array.isArray(spec.ports)) {
    for (const p of spec.ports) {
      if (!isObj(p)) continue;
      setIfUnset(p, 'protocol', 'TCP');
      // targetPort 0 or "" means "same as port".
      if ((p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') && p.port !== undefined) {
        p.targetPort = p.port;
      }
    }
  }
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') setIfUnset(spec, 'externalTrafficPolicy', 'Cluster');
  if (spec.type !== 'ExternalName') setIfUnset(spec, 'internalTrafficPolicy', 'Cluster');
  if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) spec.allocateLoadBalancerNodePorts = true;
}

function defaultEndpointPorts(ports: unknown): void {
  if (!Array.isArray(ports)) return;
  for (const p of ports) if (isObj(p)) setIfUnset(p, 'protocol', 'TCP');
}

export function defaultEndpoints(obj: Json): void {
  if (!Array.isArray(obj.subsets)) return;
  for (const s of obj.subsets) if (isObj(s)) defaultEndpointPorts(s.ports);
}

export function defaultEndpointSlice(obj: Json): void {
  if (!Array.isArray(obj.ports)) return;
  for (const p of obj.ports) {
    if (!isObj(p)) continue;
    setIfUnset(p, 'protocol', 'TCP');
    if (p.name === undefined) p.name = '';
  }
}

export function defaultNetworkPolicy(obj: Json): void {
  const spec = child(obj, 'spec');
  for (const dir of ['ingress', 'egress']) {
    const rules = spec[dir];
    if (!Array.isArray(rules)) continue;
    for (const r of rules) if (isObj(r)) defaultEndpointPorts(r.ports);
  }
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes = Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

export function defaultIngressClass(obj: Json): void {
  const spec = obj.spec;
  if (isObj(spec) && isObj(spec.parameters)) setIfUnset(spec.parameters, 'scope', 'Cluster');
}

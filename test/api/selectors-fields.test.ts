import { describe, expect, it } from 'vitest';
import {
  escapeFieldValue,
  fieldSelectorPredicate,
  parseFieldRequirements,
  parseFieldSelector,
  unescapeFieldValue,
} from '../../src/api/fieldselector.js';
import type { KubeObject } from '../../src/api/meta.js';

const pod = (name: string, ns: string, node: string, phase: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns },
  spec: { nodeName: node, restartPolicy: 'Always', containers: [] },
  status: { phase, podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }] },
});

const event = (reason: string, type: string, kind: string, name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: `${name}.1`, namespace: 'default' },
  involvedObject: { kind, name, namespace: 'default', uid: 'u-1' },
  reason,
  type,
  source: { component: 'kubelet' },
});

describe('field selectors', () => {
  const pods = [pod('a', 'default', 'node-1', 'Running'), pod('b', 'default', 'node-2', 'Pending'), pod('c', 'kube-system', 'node-1', 'Running')];

  it('metadata.name and metadata.namespace work for every kind', () => {
    expect(pods.filter(fieldSelectorPredicate('metadata.name=b', 'Pod')).map((p) => p.metadata.name)).toEqual(['b']);
    expect(pods.filter(fieldSelectorPredicate('metadata.namespace!=default', 'Pod')).map((p) => p.metadata.name)).toEqual(['c']);
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'n' } };
    expect(fieldSelectorPredicate('metadata.name==x', 'ConfigMap')(cm)).toBe(true);
  });

  it('Pod spec.nodeName and status.phase, comma means and', () => {
    const p = fieldSelectorPredicate('spec.nodeName=node-1,status.phase=Running', 'Pod');
    expect(pods.filter(p).map((x) => x.metadata.name)).toEqual(['a', 'c']);
    expect(pods.filter(fieldSelectorPredicate('status.phase!=Running', 'Pod')).map((x) => x.metadata.name)).toEqual(['b']);
    expect(fieldSelectorPredicate('status.podIP=10.0.0.1', 'Pod')(pods[0])).toBe(true);
    expect(fieldSelectorPredicate('spec.restartPolicy=Always', 'Pod')(pods[0])).toBe(true);
    expect(fieldSelectorPredicate('spec.hostNetwork=false', 'Pod')(pods[0])).toBe(true);
  });

  it('unscheduled pods match spec.nodeName= (empty value)', () => {
    const pending = pod('d', 'default', '', 'Pending');
    delete pending.spec.nodeName;
    expect(fieldSelectorPredicate('spec.nodeName=', 'Pod')(pending)).toBe(true);
    expect(fieldSelectorPredicate('spec.nodeName!=', 'Pod')(pods[0])).toBe(true);
  });

  it('old spec.host is read as spec.nodeName', () => {
    expect(fieldSelectorPredicate('spec.host=node-2', 'Pod')(pods[1])).toBe(true);
  });

  it('Event involvedObject fields, reason, type and source', () => {
    const evs = [event('Scheduled', 'Normal', 'Pod', 'a'), event('BackOff', 'Warning', 'Pod', 'b'), event('ScalingReplicaSet', 'Normal', 'Deployment', 'web')];
    const warn = fieldSelectorPredicate('type=Warning', 'Event');
    expect(evs.filter(warn).map((e) => e.reason)).toEqual(['BackOff']);
    const forPod = fieldSelectorPredicate('involvedObject.kind=Pod,involvedObject.name=a,involvedObject.namespace=default', 'Event');
    expect(evs.filter(forPod).map((e) => e.reason)).toEqual(['Scheduled']);
    expect(evs.filter(fieldSelectorPredicate('involvedObject.uid=u-1,reason=ScalingReplicaSet', 'Event'))).toHaveLength(1);
    expect(evs.filter(fieldSelectorPredicate('source=kubelet', 'Event'))).toHaveLength(3);
  });

  it('empty selector matches everything', () => {
    expect(pods.filter(fieldSelectorPredicate('', 'Pod'))).toHaveLength(3);
    expect(pods.filter(fieldSelectorPredicate(undefined, 'Pod'))).toHaveLength(3);
    expect(parseFieldSelector(',', 'Pod').empty()).toBe(true);
  });

  it('unsupported fields fail with the API server wording', () => {
    expect(() => parseFieldSelector('spec.replicas=3', 'Pod')).toThrow('field label not supported: spec.replicas');
    expect(() => parseFieldSelector('status.reason=x', 'Event')).toThrow('field label not supported: status.reason');
    expect(() => parseFieldSelector('metadata.namespace=x', 'Node')).toThrow('field label not supported: metadata.namespace');
    expect(() => parseFieldSelector('spec.replicas=3', 'Deployment')).toThrow(
      '"spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
  });

  it('syntax errors', () => {
    expect(() => parseFieldRequirements('foo')).toThrow("invalid selector: 'foo'; can't understand 'foo'");
    expect(() => parseFieldRequirements('a=b=c')).toThrow('invalid field selector: unescaped character in value: =');
    expect(() => parseFieldRequirements('a=b\\x')).toThrow('invalid field selector: invalid escape sequence: \\x');
  });

  it('escapes commas and equals in values', () => {
    expect(unescapeFieldValue('a\\,b\\=c\\\\')).toBe('a,b=c\\');
    expect(escapeFieldValue('a,b=c\\')).toBe('a\\,b\\=c\\\\');
    const reqs = parseFieldRequirements('metadata.name=a\\,b');
    expect(reqs).toEqual([{ field: 'metadata.name', operator: '=', value: 'a,b' }]);
    const sel = parseFieldSelector('metadata.name=a\\,b', 'Pod');
    expect(sel.toString()).toBe('metadata.name=a\\,b');
    expect(sel.matches(pod('a,b', 'x', 'n', 'Running'))).toBe(true);
  });

  it('string form sorts terms like Kubernetes', () => {
    expect(parseFieldSelector('status.phase=Running,metadata.name!=x', 'Pod').toString()).toBe('metadata.name!=x,status.phase=Running');
  });
});

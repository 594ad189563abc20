// Decode-time type checking: a field whose JSON type its Go type cannot take is
// refused with 400 BadRequest and the API server's message, through every
// write of the Api door (create, update, apply, patch); valid edge cases
// (IntOrString and Quantity numbers, null, integral floats) are accepted.
import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import { StatusError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/meta.js';
import { QUANTITY_FORMAT_ERROR } from '../../src/api/quantity.js';
import { KIND_SCHEMAS } from '../../src/api/schema/index.js';
import { findTypeError } from '../../src/api/schema/types.js';
import { applyDefaults } from '../../src/api/defaults.js';
import { clone } from '../../src/api/meta.js';
import { newStore } from '../state/helpers.js';
import { SAMPLES } from './validation-samples.js';

function setup() {
  const { store, clock } = newStore();
  return new Api({ store, now: () => clock.now() });
}

const pod = (container: Record<string, unknown>, more: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', ...(more.metadata as object) },
  spec: { containers: [{ name: 'c', image: 'busybox', ...container }], ...(more.spec as object) },
});

const deployment = (podSpec: Record<string, unknown>, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...podSpec } },
    ...spec,
  },
});

const POD = 'Pod in version "v1" cannot be handled as a Pod: ';
const DEPLOY = 'Deployment in version "v1" cannot be handled as a Deployment: ';

// Each wrong type and the API server's message for it.
const WRONG: Array<[string, KubeObject, string]> = [
  ['a bool in command (YAML `yes`)', pod({ command: ['echo', true] }), `${POD}json: cannot unmarshal bool into Go struct field Container.spec.containers.command of type string`],
  ['a number as an env value', pod({ env: [{ name: 'A', value: 5 }] }), `${POD}json: cannot unmarshal number into Go struct field EnvVar.spec.containers.env.value of type string`],
  ['a number as a label value', pod({}, { metadata: { labels: { a: 1 } } }), `${POD}json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string`],
  ['a number as the image (YAML `1.0`)', pod({ image: 1 }), `${POD}json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string`],
  ['a string as command', pod({ command: 'sleep 1' }), `${POD}json: cannot unmarshal string into Go struct field Container.spec.containers.command of type []string`],
  ['env as a map, not a list', pod({ env: { name: 'A', value: 'b' } }), `${POD}json: cannot unmarshal object into Go struct field Container.spec.containers.env of type []v1.EnvVar`],
  ['a fractional port', pod({ ports: [{ containerPort: 80.5 }] }), `${POD}json: cannot unmarshal number 80.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32`],
  ['a quoted port', pod({ ports: [{ containerPort: '80' }] }), `${POD}json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32`],
  ['a port beyond int32', pod({ ports: [{ containerPort: 2 ** 31 }] }), `${POD}json: cannot unmarshal number 2147483648 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32`],
  ['a number as a protocol', pod({ ports: [{ containerPort: 80, protocol: 6 }] }), `${POD}json: cannot unmarshal number into Go struct field ContainerPort.spec.containers.ports.protocol of type v1.Protocol`],
  ['a string as a bool', pod({ tty: 'true' }), `${POD}json: cannot unmarshal string into Go struct field Container.spec.containers.tty of type bool`],
  ['a string as a struct', pod({ securityContext: 'privileged' }), `${POD}json: cannot unmarshal string into Go struct field Container.spec.containers.securityContext of type v1.SecurityContext`],
  ['a string as nodeSelector', pod({}, { spec: { nodeSelector: 'disk=ssd' } }), `${POD}json: cannot unmarshal string into Go struct field PodSpec.spec.nodeSelector of type map[string]string`],
  ['a quoted supplemental group', pod({}, { spec: { securityContext: { supplementalGroups: ['10'] } } }), `${POD}json: cannot unmarshal string into Go struct field PodSecurityContext.spec.securityContext.supplementalGroups of type int64`],
  ['a bool as a probe port (IntOrString)', pod({ livenessProbe: { httpGet: { port: true } } }), `${POD}json: cannot unmarshal bool into Go value of type int32`],
  ['a fractional probe port', pod({ readinessProbe: { tcpSocket: { port: 80.5 } } }), `${POD}json: cannot unmarshal number 80.5 into Go value of type int32`],
  ['a bool as a CPU limit (Quantity)', pod({ resources: { limits: { cpu: true } } }), `${POD}${QUANTITY_FORMAT_ERROR}`],
  ['a list as a memory request', pod({ resources: { requests: { memory: ['1Gi'] } } }), `${POD}${QUANTITY_FORMAT_ERROR}`],
  ['a number as a timestamp', pod({}, { metadata: { creationTimestamp: 5 } }), `${POD}json: cannot unmarshal number into Go value of type string`],
  ['a quoted replica count', deployment({}, { replicas: '3' }), `${DEPLOY}json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`],
  ['an env value in a template', deployment({ containers: [{ name: 'c', image: 'i', env: [{ name: 'A', value: 5 }] }] }), `${DEPLOY}json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string`],
  ['a bool as maxSurge', deployment({}, { strategy: { rollingUpdate: { maxSurge: false } } }), `${DEPLOY}json: cannot unmarshal bool into Go value of type int32`],
  [
    'a number as ConfigMap data',
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { port: 8080 } },
    'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string',
  ],
  [
    'a number as Secret data ([]byte)',
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, data: { k: 1 } },
    'Secret in version "v1" cannot be handled as a Secret: json: cannot unmarshal number into Go struct field Secret.data of type []uint8',
  ],
  [
    'a string as a Service targetPort list',
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { ports: '80' } },
    'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal string into Go struct field ServiceSpec.spec.ports of type []v1.ServicePort',
  ],
  [
    'a string as HPA maxReplicas',
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h', namespace: 'default' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 'ten' },
    },
    'HorizontalPodAutoscaler in version "v2" cannot be handled as a HorizontalPodAutoscaler: json: cannot unmarshal string into Go struct field HorizontalPodAutoscalerSpec.spec.maxReplicas of type int32',
  ],
];

// Valid input that must not be refused.
const VALID: Array<[string, KubeObject]> = [
  ['numbers and names for IntOrString ports', pod({ livenessProbe: { httpGet: { port: 8080 } }, readinessProbe: { tcpSocket: { port: 'http' } }, ports: [{ name: 'http', containerPort: 8080 }] })],
  ['numbers and strings for Quantities', pod({ resources: { limits: { cpu: 0.5, memory: 134217728 }, requests: { cpu: '100m', memory: '64Mi' } } })],
  ['null for optional fields', pod({ command: null, env: null, resources: { limits: null } }, { metadata: { labels: null, creationTimestamp: null } })],
  ['null list elements and map values', pod({ args: [null], env: [null] }, { metadata: { annotations: { a: null } } })],
  ['integral floats for integers (YAML `1.0`)', deployment({ terminationGracePeriodSeconds: 30.0 }, { replicas: 1.0 })],
  ['percent strings and numbers for maxSurge/maxUnavailable', deployment({}, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } } })],
  ['quoted numbers in labels and annotations', pod({}, { metadata: { labels: { v: '1' }, annotations: { 'x/y': 'true' } } })],
  ['unknown fields (strict validation reports those, not the decoder)', pod({ notAField: 5, imagez: true })],
  ['free-form status', { ...pod({}), status: { phase: 5, anything: [true] } } as KubeObject],
];

async function rejected(p: Promise<unknown>): Promise<StatusError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof StatusError)) throw new Error(`expected a StatusError, got ${String(e)}`);
  return e;
}

describe('decode-time type checks (400 BadRequest, as the API server decodes the body)', () => {
  it.each(WRONG)('refuses %s on create', async (_what, obj, message) => {
    const api = setup();
    const e = await rejected(api.create(obj));
    expect([e.code, e.reason, e.message]).toEqual([400, 'BadRequest', message]);
    expect(api.list(obj.kind).items).toHaveLength(0);
  });

  it.each(VALID)('accepts %s', async (_what, obj) => {
    const api = setup();
    const created = await api.create(obj);
    expect(created.metadata.uid).toBeTruthy();
  });

  it('finds no type error in a sample of every kind, before or after defaulting', () => {
    for (const s of SAMPLES) {
      expect(findTypeError(s, KIND_SCHEMAS[s.kind]!), s.kind).toBeUndefined();
      expect(findTypeError(applyDefaults(clone(s)), KIND_SCHEMAS[s.kind]!), `${s.kind} defaulted`).toBeUndefined();
    }
  });

  it('reports the first wrong field in document order, but an IntOrString/Quantity error stops decoding at once', () => {
    const schema = KIND_SCHEMAS.Pod!;
    expect(findTypeError(pod({ image: 1, command: [true] }), schema)).toContain('Container.spec.containers.image of type string');
    // encoding/json returns an UnmarshalJSON error at once, over an earlier remembered type error.
    expect(findTypeError(pod({ image: 1, livenessProbe: { httpGet: { port: true } } }), schema)).toBe('json: cannot unmarshal bool into Go value of type int32');
  });

  it('checks update, apply and the result of a patch too, leaving the stored object unchanged', async () => {
    const api = setup();
    const live = await api.create(pod({ command: ['sleep', '1'] }));
    const bad = (o: KubeObject): KubeObject => ({ ...o, spec: { ...o.spec, containers: [{ name: 'c', image: 'busybox', command: ['echo', true] }] } });
    const msg = `${POD}json: cannot unmarshal bool into Go struct field Container.spec.containers.command of type string`;
    expect((await rejected(api.update(bad(live)))).message).toBe(msg);
    expect((await rejected(api.apply(bad(pod({}))))).message).toBe(msg);
    const mergePatch = { metadata: { labels: { tier: 1 } } };
    expect((await rejected(api.patch('Pod', 'default', 'p', 'merge', mergePatch))).message).toBe(
      `${POD}json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string`,
    );
    const jsonPatch = [{ op: 'replace', path: '/spec/containers/0/image', value: 2 }];
    expect((await rejected(api.patch('Pod', 'default', 'p', 'json', jsonPatch))).message).toBe(
      `${POD}json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string`,
    );
    const stored = api.get('Pod', 'default', 'p')!;
    expect(stored.metadata.resourceVersion).toBe(live.metadata.resourceVersion);
    expect(stored.spec?.containers[0].command).toEqual(['sleep', '1']);
  });

  it('comes before strict field validation, as decoding does', async () => {
    const api = setup();
    const e = await rejected(api.create(pod({ imagez: 'x', image: 1 }), { fieldValidation: 'Strict' }));
    expect(e.message).toBe(`${POD}json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string`);
  });
});

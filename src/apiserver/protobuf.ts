// Kubernetes protobuf request bodies, decoded by a tiny wire-format reader.
// Typed clients (kubectl create namespace / configmap / secret …) send
// `application/vnd.kubernetes.protobuf`: the magic bytes `k8s\0`, then a
// runtime.Unknown {1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding,
// 4 contentType}, where raw is the object in the generated.proto layout of
// k8s.io/api. Only the kinds in SCHEMAS are understood (field numbers from
// k8s.io/api core/v1, apps/v1, batch/v1, autoscaling/v1, rbac/v1 generated.proto and
// apimachinery's meta/v1), enough for what kubectl's typed create commands
// (and `kubectl autoscale`) send; others are
// refused with 415 naming the kind, so the client can retry in JSON.
import { StatusError, badRequest } from '../api/errors.js';
import { rfc3339 } from '../api/time.js';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

// gogo-protobuf always writes non-pointer fields, even when empty; JSON omits
// them (omitempty). So empty strings, 0 and false are dropped unless the Go
// field is a pointer (`ptr`), where presence is meaningful (replicas: 0).
type Field =
  | { name: string; type: 'string' | 'bytes' }
  | { name: string; type: 'int' | 'bool'; ptr?: boolean }
  | { name: string; type: 'message'; schema: Schema }
  | { name: string; type: 'map'; value: 'string' | 'bytes' | 'quantity' }
  | { name: string; type: 'repeated'; of: 'string' }
  | { name: string; type: 'repeatedMessage'; schema: Schema }
  | { name: string; type: 'intOrString' };
type Schema = Record<number, Field>;

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw badRequest('protobuf: truncated varint');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    throw badRequest('protobuf: varint too long');
  }
  bytes(): Buffer {
    const len = this.varint();
    if (this.pos + len > this.buf.length) throw badRequest('protobuf: truncated length-delimited field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw badRequest(`protobuf: unsupported wire type ${wire}`);
    if (this.pos > this.buf.length) throw badRequest('protobuf: truncated field');
  }
}

const TIME: Schema = { 1: { name: 'seconds', type: 'int' } };
const OWNER_REF: Schema = {
  1: { name: 'kind', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' },
  6: { name: 'controller', type: 'bool' },
  7: { name: 'blockOwnerDeletion', type: 'bool' },
};
const OBJECT_META: Schema = {
  1: { name: 'name', type: 'string' },
  2: { name: 'generateName', type: 'string' },
  3: { name: 'namespace', type: 'string' },
  5: { name: 'uid', type: 'string' },
  6: { name: 'resourceVersion', type: 'string' },
  7: { name: 'generation', type: 'int' },
  8: { name: 'creationTimestamp', type: 'message', schema: TIME },
  11: { name: 'labels', type: 'map', value: 'string' },
  12: { name: 'annotations', type: 'map', value: 'string' },
  13: { name: 'ownerReferences', type: 'repeatedMessage', schema: OWNER_REF },
  14: { name: 'finalizers', type: 'repeated', of: 'string' },
};

const str = (name: string): Field => ({ name, type: 'string' });
const int = (name: string, ptr = false): Field => ({ name, type: 'int', ptr });
const bool = (name: string, ptr = false): Field => ({ name, type: 'bool', ptr });
const msg = (name: string, schema: Schema): Field => ({ name, type: 'message', schema });
const list = (name: string, schema: Schema): Field => ({ name, type: 'repeatedMessage', schema });
const strings = (name: string): Field => ({ name, type: 'repeated', of: 'string' });
const map = (name: string, value: 'string' | 'bytes' | 'quantity' = 'string'): Field => ({ name, type: 'map', value });
const ios = (name: string): Field => ({ name, type: 'intOrString' });

const LABEL_SELECTOR: Schema = {
  1: map('matchLabels'),
  2: list('matchExpressions', { 1: str('key'), 2: str('operator'), 3: strings('values') }),
};
const CONTAINER: Schema = {
  1: str('name'),
  2: str('image'),
  3: strings('command'),
  4: strings('args'),
  5: str('workingDir'),
  6: list('ports', { 1: str('name'), 2: int('hostPort'), 3: int('containerPort'), 4: str('protocol'), 5: str('hostIP') }),
  7: list('env', { 1: str('name'), 2: str('value') }),
  8: msg('resources', { 1: map('limits', 'quantity'), 2: map('requests', 'quantity') }),
  13: str('terminationMessagePath'),
  14: str('imagePullPolicy'),
  16: bool('stdin'),
  17: bool('stdinOnce'),
  18: bool('tty'),
  20: str('terminationMessagePolicy'),
  24: str('restartPolicy'),
};
const POD_SPEC: Schema = {
  2: list('containers', CONTAINER),
  3: str('restartPolicy'),
  4: int('terminationGracePeriodSeconds', true),
  5: int('activeDeadlineSeconds', true),
  6: str('dnsPolicy'),
  7: map('nodeSelector'),
  8: str('serviceAccountName'),
  10: str('nodeName'),
  11: bool('hostNetwork'),
  16: str('hostname'),
  17: str('subdomain'),
  19: str('schedulerName'),
  20: list('initContainers', CONTAINER),
  24: str('priorityClassName'),
};
const POD_TEMPLATE: Schema = { 1: msg('metadata', OBJECT_META), 2: msg('spec', POD_SPEC) };
const JOB_SPEC: Schema = {
  1: int('parallelism', true),
  2: int('completions', true),
  3: int('activeDeadlineSeconds', true),
  4: msg('selector', LABEL_SELECTOR),
  5: bool('manualSelector', true),
  6: msg('template', POD_TEMPLATE),
  7: int('backoffLimit', true),
  8: int('ttlSecondsAfterFinished', true),
  9: str('completionMode'),
  10: bool('suspend', true),
};
const meta = msg('metadata', OBJECT_META);
// rbac.authorization.k8s.io/v1 (kubectl create role / clusterrole / rolebinding / clusterrolebinding).
const POLICY_RULE: Schema = { 1: strings('verbs'), 2: strings('apiGroups'), 3: strings('resources'), 4: strings('resourceNames'), 5: strings('nonResourceURLs') };
const SUBJECT: Schema = { 1: str('kind'), 2: str('apiGroup'), 3: str('name'), 4: str('namespace') };
const ROLE_REF: Schema = { 1: str('apiGroup'), 2: str('kind'), 3: str('name') };

// authentication.k8s.io/v1 and authorization.k8s.io/v1: what `kubectl create token`, `auth can-i` and `auth whoami` send.
const RESOURCE_ATTRIBUTES: Schema = { 1: str('namespace'), 2: str('verb'), 3: str('group'), 4: str('version'), 5: str('resource'), 6: str('subresource'), 7: str('name') };
const NON_RESOURCE_ATTRIBUTES: Schema = { 1: str('path'), 2: str('verb') };
const SUBJECT_ACCESS_REVIEW_SPEC: Schema = { 1: msg('resourceAttributes', RESOURCE_ATTRIBUTES), 2: msg('nonResourceAttributes', NON_RESOURCE_ATTRIBUTES), 3: str('user'), 4: strings('groups'), 6: str('uid') };
const ACCESS_SCHEMAS: Record<string, Schema> = {
  TokenRequest: {
    1: msg('metadata', OBJECT_META),
    2: msg('spec', { 1: strings('audiences'), 4: int('expirationSeconds', true), 3: msg('boundObjectRef', { 1: str('kind'), 2: str('apiVersion'), 3: str('name'), 4: str('uid') }) }),
  },
  TokenReview: { 1: msg('metadata', OBJECT_META), 2: msg('spec', { 1: str('token'), 2: strings('audiences') }) },
  SelfSubjectReview: { 1: msg('metadata', OBJECT_META) },
  SelfSubjectAccessReview: { 1: msg('metadata', OBJECT_META), 2: msg('spec', { 1: msg('resourceAttributes', RESOURCE_ATTRIBUTES), 2: msg('nonResourceAttributes', NON_RESOURCE_ATTRIBUTES) }) },
  SubjectAccessReview: { 1: msg('metadata', OBJECT_META), 2: msg('spec', SUBJECT_ACCESS_REVIEW_SPEC) },
  LocalSubjectAccessReview: { 1: msg('metadata', OBJECT_META), 2: msg('spec', SUBJECT_ACCESS_REVIEW_SPEC) },
  SelfSubjectRulesReview: { 1: msg('metadata', OBJECT_META), 2: msg('spec', { 1: str('namespace') }) },
};

const SCHEMAS: Record<string, Schema> = {
  ...ACCESS_SCHEMAS,
  Namespace: { 1: meta, 2: msg('spec', { 1: strings('finalizers') }) },
  ConfigMap: { 1: meta, 2: map('data'), 3: map('binaryData', 'bytes'), 4: bool('immutable', true) },
  Secret: { 1: meta, 2: map('data', 'bytes'), 3: str('type'), 4: map('stringData'), 5: bool('immutable', true) },
  ServiceAccount: { 1: meta },
  Role: { 1: meta, 2: list('rules', POLICY_RULE) },
  ClusterRole: { 1: meta, 2: list('rules', POLICY_RULE), 3: msg('aggregationRule', { 1: list('clusterRoleSelectors', LABEL_SELECTOR) }) },
  RoleBinding: { 1: meta, 2: list('subjects', SUBJECT), 3: msg('roleRef', ROLE_REF) },
  ClusterRoleBinding: { 1: meta, 2: list('subjects', SUBJECT), 3: msg('roleRef', ROLE_REF) },
  Eviction: { 1: meta, 2: msg('deleteOptions', { 1: int('gracePeriodSeconds', true), 4: str('propagationPolicy') }) },
  Pod: { 1: meta, 2: msg('spec', POD_SPEC) },
  Deployment: {
    1: meta,
    2: msg('spec', {
      1: int('replicas', true),
      2: msg('selector', LABEL_SELECTOR),
      3: msg('template', POD_TEMPLATE),
      4: msg('strategy', { 1: str('type'), 2: msg('rollingUpdate', { 1: ios('maxUnavailable'), 2: ios('maxSurge') }) }),
      5: int('minReadySeconds'),
      6: int('revisionHistoryLimit', true),
      7: bool('paused'),
      9: int('progressDeadlineSeconds', true),
    }),
  },
  Job: { 1: meta, 2: msg('spec', JOB_SPEC) },
  CronJob: {
    1: meta,
    2: msg('spec', {
      1: str('schedule'),
      2: int('startingDeadlineSeconds', true),
      3: str('concurrencyPolicy'),
      4: bool('suspend', true),
      5: msg('jobTemplate', { 1: meta, 2: msg('spec', JOB_SPEC) }),
      6: int('successfulJobsHistoryLimit', true),
      7: int('failedJobsHistoryLimit', true),
      8: str('timeZone'),
    }),
  },
  Service: {
    1: meta,
    2: msg('spec', {
      1: list('ports', { 1: str('name'), 2: str('protocol'), 3: int('port'), 4: ios('targetPort'), 5: int('nodePort') }),
      2: map('selector'),
      3: str('clusterIP'),
      4: str('type'),
      5: strings('externalIPs'),
      7: str('sessionAffinity'),
      8: str('loadBalancerIP'),
      10: str('externalName'),
      11: str('externalTrafficPolicy'),
      12: int('healthCheckNodePort'),
    }),
  },
};

// Kinds whose wire layout differs between served versions, keyed by `apiVersion kind`
// (k8s.io/api autoscaling/v1 generated.proto: what `kubectl autoscale` sends).
const VERSIONED_SCHEMAS: Record<string, Schema> = {
  'autoscaling/v1 HorizontalPodAutoscaler': {
    1: meta,
    2: msg('spec', {
      1: msg('scaleTargetRef', { 1: str('kind'), 2: str('name'), 3: str('apiVersion') }),
      2: int('minReplicas', true),
      3: int('maxReplicas'),
      4: int('targetCPUUtilizationPercentage', true),
    }),
  },
};

function decodeMessage(buf: Buffer, schema: Schema): Record<string, unknown> {
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (!r.done()) {
    const tag = r.varint();
    const no = Math.floor(tag / 8);
    const wire = tag & 7;
    const f = schema[no];
    if (!f) {
      r.skip(wire);
      continue;
    }
    switch (f.type) {
      case 'string': {
        const v = r.bytes().toString('utf8');
        if (v !== '') out[f.name] = v;
        break;
      }
      case 'bytes':
        out[f.name] = r.bytes().toString('base64');
        break;
      case 'int': {
        const v = r.varint();
        if (v !== 0 || f.ptr) out[f.name] = v;
        break;
      }
      case 'bool': {
        const v = r.varint() !== 0;
        if (v || f.ptr) out[f.name] = v;
        break;
      }
      case 'intOrString': {
        const v = decodeMessage(r.bytes(), { 1: { name: 'type', type: 'int' }, 2: { name: 'intVal', type: 'int', ptr: true }, 3: { name: 'strVal', type: 'string' } });
        out[f.name] = v.type === 1 ? (v.strVal ?? '') : (v.intVal ?? 0);
        break;
      }
      case 'message': {
        const m = decodeMessage(r.bytes(), f.schema);
        // metav1.Time is seconds since the epoch; the zero time means "unset".
        if (f.schema === TIME) {
          if (m.seconds) out[f.name] = rfc3339(Number(m.seconds) * 1000);
        } else out[f.name] = m;
        break;
      }
      case 'map': {
        const entry = new Reader(r.bytes());
        let key = '';
        let value = '';
        while (!entry.done()) {
          const t = entry.varint();
          const b = entry.bytes();
          if (t >> 3 === 1) key = b.toString('utf8');
          else if (t >> 3 === 2) {
            // resource.Quantity is a message {1: string}.
            value = f.value === 'bytes' ? b.toString('base64') : f.value === 'quantity' ? String(decodeMessage(b, { 1: str('string') }).string ?? '') : b.toString('utf8');
          }
        }
        const map = (out[f.name] ??= {}) as Record<string, string>;
        map[key] = value;
        break;
      }
      case 'repeated':
        ((out[f.name] ??= []) as string[]).push(r.bytes().toString('utf8'));
        break;
      case 'repeatedMessage':
        ((out[f.name] ??= []) as unknown[]).push(decodeMessage(r.bytes(), f.schema));
        break;
    }
  }
  return out;
}

/** Decodes a `k8s\0`-enveloped runtime.Unknown into a JSON object; 400 for garbage, 415 for kinds not understood. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw badRequest('protobuf: body does not start with the k8s\\0 envelope');
  const unknown = decodeMessage(body.subarray(4), {
    1: msg('typeMeta', { 1: str('apiVersion'), 2: str('kind') }),
    2: { name: 'raw', type: 'bytes' },
    3: str('contentEncoding'),
  });
  const tm = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  if (!tm.kind) throw badRequest("protobuf: Object 'Kind' is missing");
  if (unknown.contentEncoding) throw badRequest(`protobuf: unsupported content encoding ${String(unknown.contentEncoding)}`);
  const schema = VERSIONED_SCHEMAS[`${tm.apiVersion ?? ''} ${tm.kind}`] ?? SCHEMAS[tm.kind];
  if (!schema) {
    throw new StatusError(
      415,
      'UnsupportedMediaType',
      `the body of ${tm.kind} cannot be decoded from application/vnd.kubernetes.protobuf by kubeterm; send application/json`,
    );
  }
  const raw = Buffer.from(String(unknown.raw ?? ''), 'base64');
  return { apiVersion: tm.apiVersion ?? 'v1', kind: tm.kind, ...decodeMessage(raw, schema) };
}

// ---- encoding (tests and benches build request bodies with these) ----

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

function field(no: number, payload: Buffer | string): Buffer {
  const b = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([varint(no * 8 + 2), varint(b.length), b]);
}

/** Encodes a Namespace the way client-go does (name and labels only) inside the k8s envelope. */
export function encodeNamespaceForTest(name: string, labels: Record<string, string> = {}): Buffer {
  const meta = Buffer.concat([
    field(1, name),
    ...Object.entries(labels).map(([k, v]) => field(11, Buffer.concat([field(1, k), field(2, v)]))),
  ]);
  const ns = Buffer.concat([field(1, meta), field(2, Buffer.alloc(0)), field(3, Buffer.alloc(0))]);
  const unknown = Buffer.concat([field(1, Buffer.concat([field(1, 'v1'), field(2, 'Namespace')])), field(2, ns), field(3, ''), field(4, '')]);
  return Buffer.concat([MAGIC, unknown]);
}

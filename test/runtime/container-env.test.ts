// resolveEnv: every source of a container's environment, ordering, $(VAR)
// expansion and the kubelet's exact error messages.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { Container } from '../../src/api/types/pod.js';
import { expandVars, resolveEnv, serviceEnvVars, type EnvLookups } from '../../src/kubelet/container-env.js';
import { KUBERNETES_SERVICE_ENV } from '../helpers/service-env.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

const objects: Record<string, KubeObject> = {
  'ConfigMap/default/app-config': { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace: 'default' }, data: { LOG_LEVEL: 'debug', MODE: 'fast' } },
  'Secret/default/db': { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'default' }, data: { password: b64('s3cr3t'), user: b64('admin') } },
};

const lookups: EnvLookups = {
  configMap: (ns, name) => objects[`ConfigMap/${ns}/${name}`],
  secret: (ns, name) => objects[`Secret/${ns}/${name}`],
  podIP: '172.20.0.5',
  hostIP: '192.168.1.10',
};

const pod = {
  metadata: { name: 'web-1', namespace: 'default', uid: 'uid-123', labels: { app: 'web' }, annotations: { team: 'core' } },
  spec: { nodeName: 'node-1', serviceAccountName: 'builder', containers: [] as Container[] },
};

function env(c: Partial<Container>, l: EnvLookups = lookups) {
  const r = resolveEnv(pod, { name: 'main', image: 'busybox', ...c } as Container, l);
  if ('error' in r) return r;
  return Object.fromEntries(r.env.map((e) => [e.name, e.value]));
}

describe('resolveEnv', () => {
  it('takes plain values and expands $(VAR) references to earlier variables', () => {
    expect(
      env({
        env: [
          { name: 'A', value: 'one' },
          { name: 'B', value: '$(A)-two' },
          { name: 'C', value: '$(LATER) $(UNKNOWN) $$(A) $$ $x' },
          { name: 'LATER', value: 'late' },
          { name: 'EMPTY', value: '' },
        ],
      }),
    ).toEqual({ A: 'one', B: 'one-two', C: '$(LATER) $(UNKNOWN) $(A) $ $x', LATER: 'late', EMPTY: '' });
  });

  it('expandVars follows the kubelet on edge cases', () => {
    const m = (n: string) => ({ V: 'v' })[n];
    expect(expandVars('$(V)$(V)', m)).toBe('vv');
    expect(expandVars('$(V', m)).toBe('$(V');
    expect(expandVars('end$', m)).toBe('end$');
    expect(expandVars('$$$(V)', m)).toBe('$v');
    expect(expandVars('a$(V)b', m)).toBe('avb');
  });

  it('reads ConfigMap and Secret keys (decoding base64), envFrom with prefixes, env overriding envFrom', () => {
    const r = resolveEnv(
      pod,
      {
        name: 'main',
        envFrom: [{ configMapRef: { name: 'app-config' } }, { prefix: 'DB_', secretRef: { name: 'db' } }],
        env: [
          { name: 'MODE', value: 'slow' },
          { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'LOG_LEVEL' } } },
          { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
          { name: 'URL', value: 'postgres://$(DB_user):$(PASSWORD)@db' },
        ],
      },
      lookups,
    );
    expect(r).toEqual({
      env: [
        { name: 'LOG_LEVEL', value: 'debug' },
        { name: 'MODE', value: 'slow' },
        { name: 'DB_password', value: 's3cr3t' },
        { name: 'DB_user', value: 'admin' },
        { name: 'LEVEL', value: 'debug' },
        { name: 'PASSWORD', value: 's3cr3t' },
        { name: 'URL', value: 'postgres://admin:s3cr3t@db' },
      ],
    });
  });

  it('fails with the kubelet’s messages for missing objects and keys', () => {
    expect(env({ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'K' } } }] })).toEqual({ error: 'configmap "nope" not found' });
    expect(env({ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'MISSING' } } }] })).toEqual({
      error: "couldn't find key MISSING in ConfigMap default/app-config",
    });
    expect(env({ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'K' } } }] })).toEqual({ error: 'secret "nope" not found' });
    expect(env({ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'db', key: 'token' } } }] })).toEqual({ error: "couldn't find key token in Secret default/db" });
    expect(env({ envFrom: [{ configMapRef: { name: 'app-config2' } }] })).toEqual({ error: 'configmap "app-config2" not found' });
    expect(env({ envFrom: [{ secretRef: { name: 'db2' } }] })).toEqual({ error: 'secret "db2" not found' });
  });

  it('skips optional references that are missing', () => {
    expect(
      env({
        envFrom: [{ configMapRef: { name: 'nope', optional: true } }, { secretRef: { name: 'nope', optional: true } }],
        env: [
          { name: 'A', valueFrom: { configMapKeyRef: { name: 'nope', key: 'K', optional: true } } },
          { name: 'B', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'K', optional: true } } },
          { name: 'C', valueFrom: { secretKeyRef: { name: 'db', key: 'K', optional: true } } },
          { name: 'D', value: 'kept' },
        ],
      }),
    ).toEqual({ D: 'kept' });
  });

  it('resolves downward API fieldRefs', () => {
    const f = (fieldPath: string) => ({ name: fieldPath, valueFrom: { fieldRef: { fieldPath } } });
    expect(
      env({
        env: [
          f('metadata.name'),
          f('metadata.namespace'),
          f('metadata.uid'),
          f("metadata.labels['app']"),
          f("metadata.annotations['team']"),
          f("metadata.labels['absent']"),
          f('spec.nodeName'),
          f('spec.serviceAccountName'),
          f('status.podIP'),
          f('status.hostIP'),
        ],
      }),
    ).toEqual({
      'metadata.name': 'web-1',
      'metadata.namespace': 'default',
      'metadata.uid': 'uid-123',
      "metadata.labels['app']": 'web',
      "metadata.annotations['team']": 'core',
      "metadata.labels['absent']": '',
      'spec.nodeName': 'node-1',
      'spec.serviceAccountName': 'builder',
      'status.podIP': '172.20.0.5',
      'status.hostIP': '192.168.1.10',
    });
    expect(env({ env: [f('spec.bogus')] })).toEqual({ error: 'unsupported fieldPath: spec.bogus' });
  });

  it('resolves resourceFieldRefs with divisors, rounding up, and node allocatable for unset limits', () => {
    const r = (resource: string, divisor?: string) => ({ name: `${resource}/${divisor ?? '1'}`, valueFrom: { resourceFieldRef: { resource, ...(divisor ? { divisor } : {}) } } });
    expect(
      env(
        {
          resources: { limits: { cpu: '1500m', memory: '128Mi' }, requests: { cpu: '250m' } },
          env: [r('limits.cpu'), r('limits.cpu', '1m'), r('limits.memory'), r('limits.memory', '1Mi'), r('requests.cpu', '1m'), r('requests.memory')],
        },
        { ...lookups, nodeAllocatable: { cpu: '4', memory: '8Gi' } },
      ),
    ).toEqual({
      'limits.cpu/1': '2',
      'limits.cpu/1m': '1500',
      'limits.memory/1': String(128 * 2 ** 20),
      'limits.memory/1Mi': '128',
      'requests.cpu/1m': '250',
      'requests.memory/1': '0',
    });
    expect(env({ env: [r('limits.cpu'), r('limits.memory', '1Gi')] }, { ...lookups, nodeAllocatable: { cpu: '4', memory: '8Gi' } })).toEqual({
      'limits.cpu/1': '4',
      'limits.memory/1Gi': '8',
    });
    expect(env({ env: [r('limits.gpu')] })).toEqual({ error: 'unsupported container resource : limits.gpu' });
  });

  it('builds service link variables like the kubelet and lets the container’s own env win', () => {
    const svc = (namespace: string, name: string, clusterIP: string, ports: { name?: string; port: number; protocol?: string }[]) => ({ metadata: { name, namespace }, spec: { clusterIP, ports } });
    const services = [
      svc('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443 }]),
      svc('shop', 'web-api', '10.96.0.20', [{ name: 'http', port: 80 }, { name: 'metrics', port: 9090, protocol: 'UDP' }]),
      svc('shop', 'headless', 'None', [{ port: 80 }]),
      svc('other', 'db', '10.96.0.30', [{ port: 5432 }]),
    ];
    const vars = Object.fromEntries(serviceEnvVars(services, 'shop').map((e) => [e.name, e.value]));
    expect(vars).toEqual({
      ...KUBERNETES_SERVICE_ENV,
      WEB_API_SERVICE_HOST: '10.96.0.20',
      WEB_API_SERVICE_PORT: '80',
      WEB_API_SERVICE_PORT_HTTP: '80',
      WEB_API_SERVICE_PORT_METRICS: '9090',
      WEB_API_PORT: 'tcp://10.96.0.20:80',
      WEB_API_PORT_80_TCP: 'tcp://10.96.0.20:80',
      WEB_API_PORT_80_TCP_PROTO: 'tcp',
      WEB_API_PORT_80_TCP_PORT: '80',
      WEB_API_PORT_80_TCP_ADDR: '10.96.0.20',
      WEB_API_PORT_9090_UDP: 'udp://10.96.0.20:9090',
      WEB_API_PORT_9090_UDP_PROTO: 'udp',
      WEB_API_PORT_9090_UDP_PORT: '9090',
      WEB_API_PORT_9090_UDP_ADDR: '10.96.0.20',
    });
    expect(serviceEnvVars(services, 'shop', false).map((e) => e.name).every((n) => n.startsWith('KUBERNETES_'))).toBe(true);
    const r = resolveEnv(
      pod,
      { name: 'main', env: [{ name: 'API', value: 'http://$(WEB_API_SERVICE_HOST):$(WEB_API_SERVICE_PORT)' }, { name: 'KUBERNETES_SERVICE_HOST', value: 'mine' }] },
      { ...lookups, serviceEnv: serviceEnvVars(services, 'shop') },
    );
    if ('error' in r) throw new Error(r.error);
    expect(r.env[0]).toEqual({ name: 'API', value: 'http://10.96.0.20:80' });
    expect(r.env.filter((e) => e.name === 'KUBERNETES_SERVICE_HOST')).toEqual([{ name: 'KUBERNETES_SERVICE_HOST', value: 'mine' }]);
    expect(r.env.at(-1)!.name).toBe('WEB_API_PORT_9090_UDP_ADDR');
  });
});

// Table-driven checks of the kubectl describe layer (components/logic/describe/):
// Go's tabwriter, probes, env references, volumes, tolerations, QoS, times and
// the Events table. describe-matches-kubectl.test.ts compares whole outputs
// with the real kubectl; these pin the pieces, also those the seeds do not use.
import { afterEach, describe, expect, it } from 'vitest';
import type { Container, Event, Pod, Probe, Toleration, Volume } from '../../src/api/types/index.js';
import { describe as describeObject } from '../../components/logic/describe.js';
import { describeEvents, rfc1123z, tolerationText } from '../../components/logic/describe/common.js';
import { describeContainers, describeProbe, describeVolumes, selectorString } from '../../components/logic/describe/pod.js';
import { formatEndpoints } from '../../components/logic/describe/service.js';
import { PrefixWriter, tabwrite } from '../../components/logic/describe/tabwriter.js';

const NOW = Date.parse('2026-12-07T17:47:47Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe('tabwrite (Go text/tabwriter, padding 2)', () => {
  it.each([
    ['one block', 'Name:\tx\nNamespace:\tdefault\n', 'Name:       x\nNamespace:  default\n'],
    ['a line without a tab ends the block', 'A:\t1\nSection:\nLonger key:\t2\n', 'A:  1\nSection:\nLonger key:  2\n'],
    ['nested columns align per run', 'Port:\thttp\t80/TCP\nTargetPort:\t8080/TCP\n', 'Port:        http  80/TCP\nTargetPort:  8080/TCP\n'],
    ['a trailing-space cell keeps its space', '  Type\tStatus\n  PodReadyToStartContainers \tTrue \n', '  Type                        Status\n  PodReadyToStartContainers   True \n'],
    ['empty cells pad', 'a\t\tb\nccc\tdd\te\n', 'a        b\nccc  dd  e\n'],
    ['`Events:\\t<none>` joins the block above', 'Conditions:\n  Type\tStatus\n  Ready \tTrue \nVolumes:\t<none>\nEvents:\t<none>\n', 'Conditions:\n  Type    Status\n  Ready   True \nVolumes:  <none>\nEvents:   <none>\n'],
  ])('%s', (_, input, want) => {
    expect(tabwrite(input)).toBe(want);
  });
});

describe('probes as DescribeProbe prints them', () => {
  const t = { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 };
  it.each<[string, Probe, string]>([
    ['http-get', { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, ...t }, 'http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3'],
    ['https with a host', { httpGet: { path: '/ready', port: 443, host: 'example.com', scheme: 'HTTPS' }, initialDelaySeconds: 5, ...t }, 'http-get https://example.com:443/ready delay=5s timeout=1s period=10s #success=1 #failure=3'],
    ['tcp-socket on a named port', { tcpSocket: { port: 'http' }, ...t }, 'tcp-socket :http delay=0s timeout=1s period=10s #success=1 #failure=3'],
    ['exec', { exec: { command: ['cat', '/tmp/ready'] }, ...t, failureThreshold: 30 }, 'exec [cat /tmp/ready] delay=0s timeout=1s period=10s #success=1 #failure=30'],
    ['grpc', { grpc: { port: 9000, service: '' }, ...t }, 'grpc <pod>:9000  delay=0s timeout=1s period=10s #success=1 #failure=3'],
    ['no handler', { ...t }, 'unknown delay=0s timeout=1s period=10s #success=1 #failure=3'],
  ])('%s', (_, probe, want) => {
    expect(describeProbe(probe)).toBe(want);
  });
});

function containerLines(c: Partial<Container>): string[] {
  const w = new PrefixWriter();
  describeContainers(w, 'Containers', [{ name: 'app', image: 'nginx', ...c } as Container], undefined, undefined, '');
  return w.tabbed().trimEnd().split('\n');
}

describe('environment as kubectl shows it', () => {
  it.each<[string, Container['env'], string[]]>([
    ['none', undefined, ['    Environment:  <none>']],
    ['a value', [{ name: 'A', value: 'b' }], ['    Environment:', '      A:  b']],
    ['a multi-line value', [{ name: 'A', value: 'one\ntwo' }], ['    Environment:', '      A:  one', '             two'] /* the continuation sits in the value column, which `Mounts:` widens */],
    [
      'a ConfigMap key',
      [{ name: 'APP_NAME', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'APP_NAME' } } }],
      ['    Environment:', "      APP_NAME:  <set to the key 'APP_NAME' of config map 'app-config'>  Optional: false"],
    ],
    [
      'an optional Secret key',
      [{ name: 'PW', valueFrom: { secretKeyRef: { name: 's', key: 'pw', optional: true } } }],
      ['    Environment:', "      PW:  <set to the key 'pw' in secret 's'>  Optional: true"],
    ],
    ['a fieldRef in a template (no pod to resolve it)', [{ name: 'N', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }], ['    Environment:', '      N:   (v1:metadata.name)']],
    ['an unset limit', [{ name: 'M', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } }], ['    Environment:', '      M:  node allocatable (limits.memory)']],
  ])('%s', (_, env, want) => {
    // Alignment is the tabwriter's (pinned above and against kubectl); here the content.
    const squash = (l: string) => l.replace(/(\S) {2,}/g, '$1  ');
    const lines = containerLines({ env }).map(squash);
    const at = lines.findIndex((l) => l.startsWith('    Environment:'));
    expect(lines.slice(at, at + want.length)).toEqual(want.map(squash));
  });

  it('envFrom, limits and requests, probes and mounts in kubectl’s order', () => {
    const lines = containerLines({
      ports: [{ containerPort: 80, protocol: 'TCP' }],
      resources: { limits: { memory: '256Mi', cpu: '1' }, requests: { cpu: '0.25', memory: '0.125Gi' } },
      livenessProbe: { httpGet: { path: '/', port: 80, scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
      envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'C_' }, { secretRef: { name: 'sec' } }],
      volumeMounts: [
        { name: 'b', mountPath: '/z', readOnly: true },
        { name: 'a', mountPath: '/a', subPath: 'x' },
      ],
    });
    expect(lines).toEqual([
      'Containers:',
      '  app:',
      '    Image:      nginx',
      '    Port:       80/TCP',
      '    Host Port:  0/TCP',
      '    Limits:',
      '      cpu:     1',
      '      memory:  256Mi',
      '    Requests:',
      '      cpu:     250m',
      '      memory:  128Mi',
      '    Liveness:  http-get http://:80/ delay=0s timeout=1s period=10s #success=1 #failure=3',
      '    Environment Variables from:',
      "      cfg         ConfigMap with prefix 'C_'  Optional: false",
      '      sec         Secret                      Optional: false',
      '    Environment:  <none>',
      '    Mounts:',
      '      /a from a (rw,path="x")',
      '      /z from b (ro)',
    ]);
  });
});

describe('volumes', () => {
  it.each<[string, Volume, string[]]>([
    ['emptyDir', { name: 'v', emptyDir: {} }, ['    Type:       EmptyDir (a temporary directory that shares a pod\'s lifetime)', '    Medium:     ', '    SizeLimit:  <unset>']],
    ['configMap', { name: 'v', configMap: { name: 'c' } }, ['    Type:      ConfigMap (a volume populated by a ConfigMap)', '    Name:      c', '    Optional:  false']],
    ['secret', { name: 'v', secret: { secretName: 's', optional: true } }, ['    Type:        Secret (a volume populated by a Secret)', '    SecretName:  s', '    Optional:    true']],
    ['hostPath without a type', { name: 'v', hostPath: { path: '/data' } }, ['    Type:          HostPath (bare host directory volume)', '    Path:          /data', '    HostPathType:  <none>']],
    ['persistentVolumeClaim', { name: 'v', persistentVolumeClaim: { claimName: 'c' } }, ['    Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)', '    ClaimName:  c', '    ReadOnly:   false']],
    [
      'projected service account token',
      { name: 'v', projected: { sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }, { configMap: { name: 'kube-root-ca.crt' } }, { downwardAPI: {} }] } } as Volume,
      [
        '    Type:                    Projected (a volume that contains injected data from multiple sources)',
        '    TokenExpirationSeconds:  3607',
        '    ConfigMapName:           kube-root-ca.crt',
        '    ConfigMapOptional:       <nil>',
        '    DownwardAPI:             true',
      ],
    ],
  ])('%s', (_, volume, want) => {
    const w = new PrefixWriter();
    describeVolumes(w, [volume], '');
    expect(w.tabbed().trimEnd().split('\n')).toEqual(['Volumes:', '  v:', ...want]);
  });

  it('none', () => {
    const w = new PrefixWriter();
    describeVolumes(w, [], '  ');
    expect(w.tabbed()).toBe('  Volumes:  <none>\n');
  });
});

describe('tolerations', () => {
  it.each<[Toleration, string]>([
    [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }, 'dedicated=web:NoSchedule'],
    [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, 'node.kubernetes.io/not-ready:NoExecute op=Exists for 300s'],
    [{ operator: 'Exists' }, 'op=Exists'],
    [{ key: 'k', operator: 'Exists' }, 'k op=Exists'],
  ])('%j', (t, want) => {
    expect(tolerationText(t)).toBe(want);
  });
});

function pod(spec: Partial<Pod['spec']>, status: Pod['status'] = { phase: 'Running' }): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', uid: 'u1', creationTimestamp: ago(60_000) },
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec },
    status,
  } as Pod;
}
const lineOf = (text: string, prefix: string) => text.split('\n').find((l) => l.startsWith(prefix));

describe('pods', () => {
  it.each<[string, Container['resources'], string]>([
    ['nothing set', undefined, 'BestEffort'],
    ['requests only', { requests: { cpu: '100m' } }, 'Burstable'],
    ['limits only (requests default to them)', { limits: { cpu: '1', memory: '1Gi' } }, 'Guaranteed'],
    ['equal requests and limits', { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1024Mi' } }, 'Guaranteed'],
  ])('QoS class: %s', (_, resources, want) => {
    expect(lineOf(describeObject(pod({ containers: [{ name: 'c', image: 'x', resources }] }), [], NOW), 'QoS Class:')).toMatch(new RegExp(`^QoS Class:\\s+${want}$`));
  });

  it('aligns the Conditions table, prints Start Time as kubectl does, node selectors and tolerations sorted', () => {
    process.env.TZ = 'UTC';
    const text = describeObject(
      pod(
        { nodeName: 'node-1', nodeSelector: { 'kubernetes.io/os': 'linux' }, tolerations: [{ key: 'z', operator: 'Exists' }, { key: 'a', operator: 'Equal', value: 'b', effect: 'NoSchedule' }] },
        {
          phase: 'Running',
          hostIP: '10.0.0.1',
          startTime: '2026-12-07T17:47:47Z',
          conditions: [
            { type: 'PodReadyToStartContainers', status: 'True' },
            { type: 'Ready', status: 'True' },
          ],
        },
      ),
      [],
      NOW,
    );
    const lines = text.split('\n');
    expect(text).toMatch(/^Start Time: +Mon, 07 Dec 2026 17:47:47 \+0000$/m);
    expect(text).toMatch(/^Node: +node-1\/10\.0\.0\.1$/m);
    const at = lines.indexOf('Conditions:');
    expect(lines.slice(at, at + 4)).toEqual(['Conditions:', '  Type                        Status', '  PodReadyToStartContainers   True ', '  Ready                       True ']);
    // The Conditions rows, `Volumes:\t<none>` and what follows are one tabwriter block, as in kubectl.
    expect(lines.slice(at + 4)).toEqual([
      'Volumes:                      <none>',
      'QoS Class:                    BestEffort',
      'Node-Selectors:               kubernetes.io/os=linux',
      'Tolerations:                  a=b:NoSchedule',
      '                              z op=Exists',
      'Events:                       <none>',
    ]);
  });
});

describe('times', () => {
  afterEach(() => {
    process.env.TZ = 'UTC';
  });
  it.each([
    ['UTC', '2026-12-07T17:47:47Z', 'Mon, 07 Dec 2026 17:47:47 +0000'],
    ['America/New_York', '2026-12-07T17:47:47Z', 'Mon, 07 Dec 2026 12:47:47 -0500'],
    ['Asia/Kolkata', '2026-01-01T00:00:00Z', 'Thu, 01 Jan 2026 05:30:00 +0530'],
    ['UTC', undefined, 'Mon, 01 Jan 0001 00:00:00 +0000'],
  ])('RFC 1123Z in %s: %s', (tz, ts, want) => {
    process.env.TZ = tz;
    expect(rfc1123z(ts)).toBe(want);
  });
});

describe('the Events table', () => {
  const ev = (name: string, extra: Partial<Event>): Event =>
    ({ apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'default', uid: 'u1' }, type: 'Normal', source: { component: 'kubelet' }, ...extra }) as Event;

  it('oldest first, ages as kubectl prints them, counts over the first time, <invalid> in the future', () => {
    const w = new PrefixWriter();
    describeEvents(
      w,
      [
        ev('b', { reason: 'Pulled', message: 'pulled ', firstTimestamp: ago(300_000), lastTimestamp: ago(300_000), count: 1 }),
        ev('a', { reason: 'Scheduled', message: 'assigned', firstTimestamp: ago(600_000), lastTimestamp: ago(600_000), count: 1, source: { component: 'default-scheduler' } }),
        ev('c', { reason: 'BackOff', type: 'Warning', message: 'back-off', firstTimestamp: ago(900_000), lastTimestamp: ago(30_000), count: 3, involvedObject: { kind: 'Pod', name: 'p', fieldPath: 'spec.containers{c}' } }),
        ev('d', { reason: 'Skewed', message: 'from the future', firstTimestamp: ago(-60_000), lastTimestamp: ago(-60_000), count: 1 }),
      ],
      NOW,
    );
    expect(w.tabbed().trimEnd().split('\n')).toEqual([
      'Events:',
      '  Type     Reason     Age                From               Message',
      '  ----     ------     ----               ----               -------',
      '  Normal   Scheduled  10m                default-scheduler  assigned',
      '  Normal   Pulled     5m                 kubelet            pulled',
      '  Warning  BackOff    30s (x3 over 15m)  kubelet            spec.containers{c}: back-off',
      '  Normal   Skewed     <invalid>          kubelet            from the future',
    ]);
  });

  it('a pod’s events by uid, not another pod’s of the same name', () => {
    const text = describeObject(pod({}), [ev('x', { reason: 'Mine', firstTimestamp: ago(5000), count: 1 }), ev('y', { reason: 'Old', involvedObject: { kind: 'Pod', name: 'p', namespace: 'default', uid: 'other' } })], NOW);
    expect(text).toMatch(/^ {2}Normal {2}Mine {4}5s {4}kubelet/m);
    expect(text).not.toMatch(/Old/);
  });
});

describe('selectors and endpoints', () => {
  it.each([
    [{ matchLabels: { b: '1', a: '2' } }, 'a=2,b=1'],
    [{ matchLabels: { app: 'x' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }, { key: 'env', operator: 'DoesNotExist' }] }, 'app=x,!env,tier in (api,web)'],
    [{}, ''],
  ])('%j', (sel, want) => {
    expect(selectorString(sel)).toBe(want);
  });

  it.each([
    [undefined, 'http', '<none>'],
    [[{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ name: 'http', port: 8080 }] }], 'http', '10.0.0.1:8080,10.0.0.2:8080'],
    [[{ addresses: [1, 2, 3, 4, 5].map((i) => ({ ip: `10.0.0.${i}` })), ports: [{ port: 80 }] }], '', '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...'],
    [[{ addresses: [{ ip: '10.0.0.1' }], ports: [{ name: 'other', port: 80 }] }], 'http', ''],
  ])('endpoints %#', (subsets, port, want) => {
    expect(formatEndpoints(subsets, port)).toBe(want);
  });
});

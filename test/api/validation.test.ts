import { describe, expect, it } from 'vitest';
import { applyDefaults } from '../../src/api/defaults.js';
import { formatFieldError, invalid } from '../../src/api/errors.js';
import { kindInfo } from '../../src/api/kinds.js';
import { clone, type KubeObject } from '../../src/api/meta.js';
import { validateObject } from '../../src/api/validation/index.js';

/** Normalises the namespace and defaults, as Api.prepare does before validating. */
function prepared(o: object): KubeObject {
  const obj = clone(o as KubeObject);
  if (kindInfo(obj.kind)?.namespaced) obj.metadata.namespace ||= 'default';
  return applyDefaults(obj);
}

/** Defaults then validates, as the API server does; returns kubectl-style messages. */
function msgs(o: object, old?: object): string[] {
  const obj = prepared(o);
  const prev = old ? prepared(old) : undefined;
  return validateObject(obj, prev).map(formatFieldError);
}

const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

const podSpec = () => ({ containers: [{ name: 'web', image: 'nginx:1.27' }] });
const deploy = (spec: object = {}, name = 'web') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: podSpec() }, ...spec },
});

describe('Deployment', () => {
  it('accepts a valid deployment', () => {
    expect(msgs(deploy())).toEqual([]);
  });

  it('reports negative replicas in the exact kubectl wording', () => {
    const obj = applyDefaults(clone(deploy({ replicas: -1 }) as KubeObject));
    const errs = validateObject(obj);
    expect(errs).toEqual([{ type: 'Invalid', field: 'spec.replicas', value: -1, detail: 'must be greater than or equal to 0' }]);
    expect(invalid('Deployment', 'web', errs).message).toBe(
      'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
  });

  it('requires the selector to match the template labels', () => {
    const d = deploy();
    d.spec.template.metadata.labels = { app: 'x' };
    expect(msgs(d)).toEqual(['spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`']);
  });

  it('requires a selector and refuses an empty one', () => {
    const d: any = deploy();
    delete d.spec.selector;
    expect(msgs(d)).toEqual(['spec.selector: Required value']);
    d.spec.selector = {};
    expect(msgs(d)).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
    ]);
  });

  it('keeps spec.selector immutable on update', () => {
    const old = deploy();
    const next = deploy({ selector: { matchLabels: { app: 'web2' } } });
    next.spec.template.metadata.labels = { app: 'web2' };
    expect(msgs(next, old)).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
    expect(msgs(deploy({ replicas: 5 }), old)).toEqual([]);
  });

  it('only allows restartPolicy Always in templates', () => {
    const d: any = deploy();
    d.spec.template.spec.restartPolicy = 'Never';
    expect(msgs(d)).toEqual(['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']);
  });

  it('checks rolling update parameters and the progress deadline', () => {
    expect(msgs(deploy({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } }))).toEqual([
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0',
    ]);
    expect(msgs(deploy({ strategy: { rollingUpdate: { maxUnavailable: '50x' } } }))).toEqual([
      "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 50x: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
    ]);
    expect(msgs(deploy({ strategy: { rollingUpdate: { maxUnavailable: '120%' } } }))).toEqual([
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 120%: must not be greater than 100%',
    ]);
    expect(msgs(deploy({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } }))).toEqual([
      "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
    ]);
    expect(msgs(deploy({ minReadySeconds: 30, progressDeadlineSeconds: 10 }))).toEqual([
      'spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds',
    ]);
  });

  it('validates metadata: name, labels and annotations', () => {
    expect(msgs(deploy({}, 'Web_1'))).toEqual([`metadata.name: Invalid value: "Web_1": ${SUBDOMAIN_MSG}`]);
    const d: any = deploy();
    d.metadata.name = '';
    expect(msgs(d)).toEqual(['metadata.name: Required value: name or generateName is required']);
    d.metadata.name = 'ok';
    d.metadata.labels = { 'bad key!': 'v', ok: 'bad value!' };
    d.metadata.annotations = { '/x': 'y' };
    expect(msgs(d)).toEqual([
      "metadata.labels: Invalid value: \"bad key!\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      "metadata.labels: Invalid value: \"bad value!\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      'metadata.annotations: Invalid value: "/x": prefix part must be non-empty',
    ]);
  });
});

describe('pod spec (through Pods and templates)', () => {
  const pod = (spec: object) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec });

  it('requires containers, names and images', () => {
    expect(msgs(pod({ containers: [] }))).toEqual(['spec.containers: Required value']);
    expect(msgs(pod({ containers: [{ image: 'x:1' }, { name: 'Web', image: 'x:1' }, { name: 'a' }] }))).toEqual([
      'spec.containers[0].name: Required value',
      `spec.containers[1].name: Invalid value: "Web": ${LABEL_MSG}`,
      'spec.containers[2].image: Required value',
    ]);
  });

  it('rejects duplicate container names and whitespace around a Pod image', () => {
    expect(msgs(pod({ containers: [{ name: 'a', image: 'x:1' }, { name: 'a', image: ' y:1' }] }))).toEqual([
      'spec.containers[1].name: Duplicate value: "a"',
      'spec.containers[1].image: Invalid value: " y:1": must not have leading or trailing whitespace',
    ]);
  });

  it('checks ports: range, names, protocols', () => {
    expect(
      msgs(pod({ containers: [{ name: 'a', image: 'x:1', ports: [{ containerPort: 70000 }, { containerPort: 80, name: 'HTTP', protocol: 'ICMP' }] }] })),
    ).toEqual([
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[1].name: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.containers[0].ports[1].name: Invalid value: "HTTP": must contain at least one letter (a-z)',
      'spec.containers[0].ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    ]);
  });

  it('checks resources: quantities and requests <= limits', () => {
    expect(msgs(pod({ containers: [{ name: 'a', image: 'x:1', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] }))).toEqual([
      'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
    ]);
    expect(msgs(pod({ containers: [{ name: 'a', image: 'x:1', resources: { limits: { memory: 'lots', gpu: '1' } } }] }))).toEqual([
      "spec.containers[0].resources.limits[memory]: Invalid value: \"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
      'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers',
      // Pods copy limits into missing requests before validation, so Kubernetes reports them twice.
      "spec.containers[0].resources.requests[memory]: Invalid value: \"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
      'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers',
    ]);
    expect(msgs(pod({ containers: [{ name: 'a', image: 'x:1', resources: { requests: { cpu: '-1' } } }] }))).toEqual([
      'spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0',
    ]);
  });

  it('checks volumes and mounts', () => {
    expect(
      msgs(
        pod({
          containers: [{ name: 'a', image: 'x:1', volumeMounts: [{ name: 'data', mountPath: '/d' }, { name: 'cfg', mountPath: '/d' }] }],
          volumes: [{ name: 'cfg', configMap: { name: 'c' } }, { name: 'cfg', emptyDir: {} }],
        }),
      ),
    ).toEqual([
      'spec.volumes[1].name: Duplicate value: "cfg"',
      'spec.containers[0].volumeMounts[0].name: Not found: "data"',
      'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/d": must be unique',
    ]);
  });

  it('checks env var names and valueFrom', () => {
    expect(
      msgs(
        pod({
          containers: [
            { name: 'a', image: 'x:1', env: [{ name: '' }, { name: 'A=B' }, { name: 'X', value: 'v', valueFrom: { configMapKeyRef: { name: 'c' } } }] },
          ],
        }),
      ),
    ).toEqual([
      'spec.containers[0].env[0].name: Required value',
      "spec.containers[0].env[1].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='",
      'spec.containers[0].env[2].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
      'spec.containers[0].env[2].valueFrom.configMapKeyRef.key: Required value',
    ]);
  });

  it('checks probes', () => {
    expect(
      msgs(
        pod({
          containers: [
            { name: 'a', image: 'x:1', livenessProbe: { periodSeconds: 5 }, readinessProbe: { httpGet: { port: 0 }, timeoutSeconds: -1 }, startupProbe: { exec: { command: ['true'] }, successThreshold: 2 } },
          ],
        }),
      ),
    ).toEqual([
      'spec.containers[0].livenessProbe: Required value: must specify a handler type',
      'spec.containers[0].readinessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.containers[0].readinessProbe.timeoutSeconds: Invalid value: -1: must be greater than or equal to 0',
      'spec.containers[0].startupProbe.successThreshold: Invalid value: 2: must be 1',
    ]);
  });

  it('checks restartPolicy and dnsPolicy values', () => {
    expect(msgs(pod({ ...podSpec(), restartPolicy: 'Sometimes', dnsPolicy: 'Google' }))).toEqual([
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      'spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
    ]);
  });

  it('forbids changing a Pod spec except images, but allows binding to a node', () => {
    const old = pod(podSpec());
    const changed = pod({ containers: [{ name: 'web', image: 'nginx:1.27', command: ['sh'] }] });
    expect(msgs(changed, old)).toEqual([
      'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    ]);
    expect(msgs(pod({ containers: [{ name: 'web', image: 'nginx:1.28' }] }), old)).toEqual([]);
    expect(msgs(pod({ ...podSpec(), nodeName: 'node-1' }), old)).toEqual([]);
  });
});

describe('other workloads', () => {
  const tmpl = { metadata: { labels: { app: 'a' } }, spec: podSpec() };

  it('ReplicaSet: replicas and selector', () => {
    const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs' }, spec: { replicas: -2, selector: { matchLabels: { app: 'a' } }, template: tmpl } };
    expect(msgs(rs)).toEqual(['spec.replicas: Invalid value: -2: must be greater than or equal to 0']);
  });

  it('StatefulSet: name is a DNS label; spec fields other than the mutable ones are forbidden to change', () => {
    const sts = (spec: object = {}, name = 'db') => ({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name },
      spec: { selector: { matchLabels: { app: 'a' } }, serviceName: 'db', template: tmpl, ...spec },
    });
    expect(msgs(sts())).toEqual([]);
    expect(msgs(sts({}, 'db.v1'))).toEqual(['metadata.name: Invalid value: "db.v1": must not contain dots']);
    expect(msgs(sts({ serviceName: 'other' }), sts())).toEqual([
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
    expect(msgs(sts({ replicas: 3 }), sts())).toEqual([]);
    const withClaims = (mount: string) =>
      sts({
        template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'db', image: 'pg:17', volumeMounts: [{ name: mount, mountPath: '/data' }] }] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      });
    expect(msgs(withClaims('data'))).toEqual([]);
    expect(msgs(withClaims('logs'))).toEqual(['spec.template.spec.containers[0].volumeMounts[0].name: Not found: "logs"']);
    expect(msgs(sts({ podManagementPolicy: 'Random' }))).toEqual(['spec.podManagementPolicy: Invalid value: "Random": must be \'OrderedReady\' or \'Parallel\'']);
  });

  it('DaemonSet: maxSurge and maxUnavailable cannot both be set', () => {
    const ds = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'ds' },
      spec: { selector: { matchLabels: { app: 'a' } }, template: tmpl, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } } },
    };
    expect(msgs(ds)).toEqual(['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero']);
  });

  const job = (spec: object) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi' }, spec });

  it('Job: templates must restart OnFailure or Never; counts non-negative', () => {
    expect(msgs(job({ template: { spec: podSpec() } }))).toEqual([
      'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    ]);
    expect(msgs(job({ completions: -1, parallelism: -1, template: { spec: { ...podSpec(), restartPolicy: 'Never' } } }))).toEqual([
      'spec.parallelism: Invalid value: -1: must be greater than or equal to 0',
      'spec.completions: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('Job: completions and the running template are immutable', () => {
    const base = job({ completions: 1, template: { spec: { ...podSpec(), restartPolicy: 'Never' } } });
    expect(msgs(job({ completions: 3, template: { spec: { ...podSpec(), restartPolicy: 'Never' } } }), base)).toEqual([
      'spec.completions: Invalid value: 3: field is immutable',
    ]);
  });

  it('CronJob: schedule required, concurrencyPolicy values, name at most 52 characters', () => {
    const cj = (spec: object, name = 'tick') => ({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name },
      spec: { jobTemplate: { spec: { template: { spec: { ...podSpec(), restartPolicy: 'OnFailure' } } } }, ...spec },
    });
    expect(msgs(cj({ schedule: '' }))).toEqual(['spec.schedule: Required value']);
    expect(msgs(cj({ schedule: '* * * * *', concurrencyPolicy: 'Sometimes' }))).toEqual([
      'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
    ]);
    const long = 'a'.repeat(53);
    expect(msgs(cj({ schedule: '* * * * *' }, long))).toEqual([`metadata.name: Invalid value: "${long}": must be no more than 52 characters`]);
  });

  it('HPA: minReplicas <= maxReplicas', () => {
    const hpa = (spec: object) => ({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, ...spec },
    });
    expect(msgs(hpa({ minReplicas: 5, maxReplicas: 2 }))).toEqual(['spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`']);
    expect(msgs(hpa({ minReplicas: 0, maxReplicas: 0 }))).toEqual([
      'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1',
      'spec.maxReplicas: Invalid value: 0: must be greater than 0',
    ]);
    expect(msgs(hpa({ maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization' } } }] }))).toEqual([
      'spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization',
    ]);
  });
});

describe('services and networking', () => {
  const svc = (spec: object, name = 'web') => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec });

  it('Service names are DNS-1035 labels', () => {
    expect(msgs(svc({ ports: [{ port: 80 }] }, '1web'))).toEqual([
      "metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
  });

  it('Service ports: required, in range, named when several, node ports in range', () => {
    expect(msgs(svc({}))).toEqual(['spec.ports: Required value']);
    expect(msgs(svc({ ports: [{ port: 0 }, { port: 81, name: 'b' }] }))).toEqual([
      'spec.ports[0].name: Required value',
      'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      // targetPort defaulted from the bad port.
      'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    ]);
    expect(msgs(svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] }))).toEqual([
      'spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
    ]);
    expect(msgs(svc({ type: 'Magic', ports: [{ port: 80 }] }))).toEqual([
      'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ]);
  });

  it('Service externalTrafficPolicy only on externally-accessible services', () => {
    expect(msgs(svc({ externalTrafficPolicy: 'Local', ports: [{ port: 80 }] }))).toEqual([
      'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
    ]);
    expect(msgs(svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] }))).toEqual([]);
  });

  it('Service clusterIP may not change once set', () => {
    const old = svc({ clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80 }] });
    expect(msgs(svc({ clusterIP: '10.96.0.11', clusterIPs: ['10.96.0.11'], ports: [{ port: 80 }] }), old)).toEqual([
      'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set',
    ]);
    expect(msgs(svc({ ports: [{ port: 80 }] }), old)).toEqual([]);
  });

  const ing = (path: object) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'i' },
    spec: { rules: [{ host: 'example.com', http: { paths: [{ path: '/', backend: { service: { name: 'web', port: { number: 80 } } }, ...path }] } }] },
  });

  it('Ingress: pathType required and one of Exact/Prefix/ImplementationSpecific; paths absolute', () => {
    expect(msgs(ing({}))).toEqual(['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified']);
    expect(msgs(ing({ pathType: 'Glob' }))).toEqual([
      'spec.rules[0].http.paths[0].pathType: Unsupported value: "Glob": supported values: "Exact", "ImplementationSpecific", "Prefix"',
    ]);
    expect(msgs(ing({ pathType: 'Prefix', path: 'api' }))).toEqual(['spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path']);
    expect(msgs(ing({ pathType: 'Prefix' }))).toEqual([]);
    expect(msgs(ing({ pathType: 'Exact', backend: { service: { name: 'web' } } }))).toEqual([
      'spec.rules[0].http.paths[0].backend.service.port: Required value: port name or number is required',
    ]);
  });

  it('NetworkPolicy and IngressClass basics', () => {
    expect(
      msgs({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: { podSelector: {}, ingress: [{ ports: [{ protocol: 'ICMP' }] }] } }),
    ).toEqual(['spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"']);
    expect(msgs({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'c' }, spec: { controller: 'nginx' } })).toEqual([
      'spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")',
    ]);
  });
});

describe('config, storage and cluster kinds', () => {
  it('ConfigMap and Secret keys', () => {
    expect(msgs({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'bad key': 'v', '..x': 'y' } })).toEqual([
      "data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      "data[..x]: Invalid value: \"..x\": must not start with '..'",
    ]);
    expect(msgs({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'YQ==' } })).toEqual([
      'data[tls.key]: Required value',
    ]);
  });

  it('immutable ConfigMaps refuse data changes', () => {
    const old = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' }, immutable: true };
    expect(msgs({ ...old, data: { a: '2' } }, old)).toEqual(['data: Forbidden: field is immutable when `immutable` is set']);
  });

  it('PVC: access modes and a storage request are required', () => {
    expect(msgs({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, spec: {} })).toEqual([
      'spec.accessModes: Required value: at least 1 access mode is required',
      'spec.resources[storage]: Required value',
    ]);
    expect(
      msgs({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, spec: { accessModes: ['ReadWriteSometimes'], resources: { requests: { storage: '1Gi' } } } }),
    ).toEqual(['spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"']);
  });

  it('PV needs capacity and a source', () => {
    expect(msgs({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'v' }, spec: { accessModes: ['ReadWriteOnce'] } })).toEqual([
      'spec.capacity: Required value',
      'spec: Required value: must specify a volume type',
    ]);
  });

  it('Namespace names are DNS labels and cluster-scoped kinds take no namespace', () => {
    expect(msgs({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'Team' } })).toEqual([`metadata.name: Invalid value: "Team": ${LABEL_MSG}`]);
    expect(msgs({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', namespace: 'default' } })).toEqual([
      'metadata.namespace: Forbidden: not allowed on this type',
    ]);
  });

  it('Node taints, StorageClass, PriorityClass, Lease, Event', () => {
    expect(msgs({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { taints: [{ key: 'k', effect: 'Sometimes' }] } })).toEqual([
      'spec.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoExecute", "NoSchedule", "PreferNoSchedule"',
    ]);
    expect(msgs({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 's' } })).toEqual(['provisioner: Required value']);
    expect(msgs({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'system-mine' }, value: 1 })).toEqual([
      "metadata.name: Invalid value: \"system-mine\": priority class names with 'system-' prefix are reserved",
    ]);
    expect(msgs({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l' }, spec: { leaseDurationSeconds: 0 } })).toEqual([
      'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    ]);
    expect(
      msgs({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'other' }, type: 'Normal' }),
    ).toEqual(['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
  });

  it('accepts valid objects of the remaining kinds', () => {
    const ok: object[] = [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa', namespace: 'default' } },
      { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'default' }, spec: { hard: { pods: '10', 'requests.cpu': '4' } } },
      { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l', namespace: 'default' }, spec: { limits: [{ type: 'Container', default: { cpu: '500m' } }] } },
      { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] },
      { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-abc', namespace: 'default' }, addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }] },
      { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r-1', namespace: 'default' }, data: {}, revision: 1 },
    ];
    for (const o of ok) expect(msgs(o)).toEqual([]);
    expect(msgs({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { pods: 'ten' } } })).toEqual([
      "spec.hard[pods]: Invalid value: \"ten\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    ]);
  });
});

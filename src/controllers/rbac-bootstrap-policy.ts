// The default ClusterRoles and ClusterRoleBindings kube-apiserver creates at
// start (plugin/pkg/auth/authorizer/rbac/bootstrappolicy, policy.go), the
// ones a user of kubeterm meets: cluster-admin bound to system:masters; the
// user-facing admin/edit/view, aggregated from the system:aggregate-to-*
// roles that carry the rules for built-in resources; and the system: roles
// that let every authenticated user discover the API, ask what they may do
// (kubectl auth can-i/whoami) and read health and version. kubeterm serves
// metrics.k8s.io itself, so metrics-server's aggregated-metrics-reader role is
// part of the defaults too. Pure data builders: each call returns fresh objects.
import type { LabelSelector } from '../api/meta.js';
import { RBAC_API_VERSION, RBAC_GROUP, type ClusterRole, type ClusterRoleBinding, type PolicyRule, type Subject } from '../api/types/rbac.js';

export const BOOTSTRAP_LABEL = 'kubernetes.io/bootstrapping';
export const BOOTSTRAP_LABEL_VALUE = 'rbac-defaults';
/** `false` protects a default role or binding from reconciliation; any other value (or none) lets it be reconciled. */
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';
export const AGGREGATE_TO_ADMIN = 'rbac.authorization.k8s.io/aggregate-to-admin';
export const AGGREGATE_TO_EDIT = 'rbac.authorization.k8s.io/aggregate-to-edit';
export const AGGREGATE_TO_VIEW = 'rbac.authorization.k8s.io/aggregate-to-view';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const READ_WRITE = [...READ, ...WRITE];

const sorted = (xs: readonly string[]) => [...xs].sort();

/** rbacv1helpers.NewRule(...).Groups(...).Resources(...): every list sorted, as RuleOrDie does. */
function rule(verbs: readonly string[], groups: readonly string[], resources: readonly string[], names: readonly string[] = []): PolicyRule {
  return { verbs: sorted(verbs), apiGroups: sorted(groups), resources: sorted(resources), ...(names.length ? { resourceNames: sorted(names) } : {}) };
}

function urls(verbs: readonly string[], paths: readonly string[]): PolicyRule {
  return { verbs: sorted(verbs), nonResourceURLs: sorted(paths) };
}

function clusterRole(name: string, rules: PolicyRule[], opts: { labels?: Record<string, string>; aggregateFrom?: string } = {}): ClusterRole {
  const role: ClusterRole = {
    apiVersion: RBAC_API_VERSION,
    kind: 'ClusterRole',
    metadata: {
      name,
      labels: { ...(opts.labels ?? {}), [BOOTSTRAP_LABEL]: BOOTSTRAP_LABEL_VALUE },
      annotations: { [AUTOUPDATE_ANNOTATION]: 'true' },
    },
    rules,
  };
  if (opts.aggregateFrom) {
    const selector: LabelSelector = { matchLabels: { [opts.aggregateFrom]: 'true' } };
    role.aggregationRule = { clusterRoleSelectors: [selector] };
  }
  return role;
}

const CORE = '';

/** The default ClusterRoles, in kube-apiserver's order. */
export function bootstrapClusterRoles(): ClusterRole[] {
  return [
    // A "root" role which can do absolutely anything.
    clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
    // Just enough to tell whether the server is ready and to discover API versions.
    clusterRole('system:discovery', [
      urls(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/', '/openapi', '/openapi/*', '/api', '/api/*', '/apis', '/apis/*']),
    ]),
    clusterRole('system:monitoring', [
      urls(['get'], ['/metrics', '/metrics/slis', '/livez', '/readyz', '/healthz', '/livez/*', '/readyz/*', '/healthz/*']),
    ]),
    // What a "normal" user needs to learn about themselves: kubectl auth can-i (--list) and kubectl auth whoami.
    clusterRole('system:basic-user', [
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ]),
    // Insensitive cluster information, for everyone (also unauthenticated).
    clusterRole('system:public-info-viewer', [urls(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/'])]),
    // The user-facing roles: their rules are aggregated from the roles labelled for them.
    clusterRole('admin', [], { aggregateFrom: AGGREGATE_TO_ADMIN }),
    clusterRole('edit', [], { labels: { [AGGREGATE_TO_ADMIN]: 'true' }, aggregateFrom: AGGREGATE_TO_EDIT }),
    clusterRole('view', [], { labels: { [AGGREGATE_TO_EDIT]: 'true' }, aggregateFrom: AGGREGATE_TO_VIEW }),
    // admin is edit plus the power to grant permissions to other users in the namespace.
    clusterRole(
      'system:aggregate-to-admin',
      [rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']), rule(READ_WRITE, ['rbac.authorization.k8s.io'], ['roles', 'rolebindings'])],
      { labels: { [AGGREGATE_TO_ADMIN]: 'true' } },
    ),
    // edit: every user-level action in a namespace, but not the privileged /status subresources, quota or limits.
    clusterRole(
      'system:aggregate-to-edit',
      [
        rule(READ, [CORE], ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy']),
        rule(['impersonate'], [CORE], ['serviceaccounts']),
        rule(WRITE, [CORE], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
        rule(['create'], [CORE], ['pods/eviction']),
        rule(WRITE, [CORE], ['replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/proxy', 'persistentvolumeclaims', 'configmaps', 'secrets']),
        rule(['create'], [CORE], ['serviceaccounts/token']),
        rule(WRITE, ['apps'], ['statefulsets', 'statefulsets/scale', 'daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'replicasets', 'replicasets/scale']),
        rule(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
        rule(WRITE, ['batch'], ['jobs', 'cronjobs']),
        rule(WRITE, ['extensions'], ['daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'ingresses', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale', 'networkpolicies']),
        rule(WRITE, ['policy'], ['poddisruptionbudgets']),
        rule(WRITE, ['networking.k8s.io'], ['networkpolicies', 'ingresses']),
      ],
      { labels: { [AGGREGATE_TO_EDIT]: 'true' } },
    ),
    // view: read-only access to non-escalating resources in a namespace (no secrets).
    clusterRole(
      'system:aggregate-to-view',
      [
        rule(READ, [CORE], ['pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'configmaps']),
        rule(READ, [CORE], ['limitranges', 'resourcequotas', 'bindings', 'events', 'pods/status', 'resourcequotas/status', 'namespaces/status', 'replicationcontrollers/status', 'pods/log']),
        // Reading namespaces at namespace scope means reading *this* namespace: which namespaces you may use.
        rule(READ, [CORE], ['namespaces']),
        rule(READ, ['discovery.k8s.io'], ['endpointslices']),
        rule(READ, ['apps'], [
          'controllerrevisions',
          'statefulsets', 'statefulsets/status', 'statefulsets/scale',
          'daemonsets', 'daemonsets/status',
          'deployments', 'deployments/status', 'deployments/scale',
          'replicasets', 'replicasets/status', 'replicasets/scale',
        ]),
        rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
        rule(READ, ['batch'], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
        rule(READ, ['extensions'], [
          'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status',
          'ingresses', 'ingresses/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale',
          'networkpolicies',
        ]),
        rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
        rule(READ, ['networking.k8s.io'], ['networkpolicies', 'ingresses', 'ingresses/status']),
      ],
      { labels: { [AGGREGATE_TO_VIEW]: 'true' } },
    ),
    // metrics-server's role: whoever may view a namespace may `kubectl top` it.
    clusterRole('system:aggregated-metrics-reader', [rule(READ, ['metrics.k8s.io'], ['pods', 'nodes'])], {
      labels: { [AGGREGATE_TO_VIEW]: 'true', [AGGREGATE_TO_EDIT]: 'true', [AGGREGATE_TO_ADMIN]: 'true' },
    }),
    // Authentication and authorization delegation (webhooks and extension API servers).
    clusterRole('system:auth-delegator', [
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    ]),
    clusterRole('system:service-account-issuer-discovery', [
      urls(['get'], ['/.well-known/openid-configuration', '/.well-known/openid-configuration/', '/openid/v1/jwks', '/openid/v1/jwks/']),
    ]),
  ];
}

const group = (name: string): Subject => ({ kind: 'Group', apiGroup: RBAC_GROUP, name });

function clusterBinding(role: string, subjects: Subject[]): ClusterRoleBinding {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: 'ClusterRoleBinding',
    metadata: { name: role, labels: { [BOOTSTRAP_LABEL]: BOOTSTRAP_LABEL_VALUE }, annotations: { [AUTOUPDATE_ANNOTATION]: 'true' } },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: role },
    subjects,
  };
}

/** The default ClusterRoleBindings, each named after its role. */
export function bootstrapClusterRoleBindings(): ClusterRoleBinding[] {
  return [
    clusterBinding('cluster-admin', [group('system:masters')]),
    clusterBinding('system:discovery', [group('system:authenticated')]),
    clusterBinding('system:monitoring', [group('system:monitoring')]),
    clusterBinding('system:basic-user', [group('system:authenticated')]),
    clusterBinding('system:public-info-viewer', [group('system:authenticated'), group('system:unauthenticated')]),
    clusterBinding('system:service-account-issuer-discovery', [group('system:serviceaccounts')]),
  ];
}

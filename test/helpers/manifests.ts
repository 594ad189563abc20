// Manifest text for tests that hand YAML to kubectl or to a watched folder:
// written by the yaml library (block style, two-space indent) from the
// object, so the files differ only where the tests mean them to.
import { stringify } from 'yaml';

export interface DeploymentYaml {
  replicas: number;
  /** Beside `name` (namespace, annotations …). */
  metadata?: Record<string, unknown>;
  /** The pod template's spec. */
  pod: Record<string, unknown>;
}

/** An apps/v1 Deployment `name` whose selector and pods are labelled app=`name`. */
export function deploymentYaml(name: string, o: DeploymentYaml): string {
  return stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...o.metadata },
    spec: { replicas: o.replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: o.pod } },
  });
}

/**
 * An apps/v1 Deployment `name` as hand-written text (flow-style labels, the
 * caller's own container lines and comments), for tests that compare file text
 * byte for byte where `deploymentYaml` would reformat it. Selector and pods are
 * labelled app=`name`; `metadata` is the lines below `name:` (indented two),
 * `replicas` is written as given (a trailing comment may ride along), and
 * `containers` is the list under `containers:`, newline-terminated.
 */
export function deploymentText(name: string, o: { replicas: unknown; containers: string; metadata?: string }): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
${o.metadata ?? ''}spec:
  replicas: ${o.replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
${o.containers}`;
}

/** An autoscaling/v2 HorizontalPodAutoscaler keeping `target` between 1 and `maxReplicas` replicas at 50 % CPU utilisation. */
export function cpuHpa(name: string, target: { apiVersion: string; kind: string; name: string }, maxReplicas: number): Record<string, unknown> {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: {
      scaleTargetRef: target,
      minReplicas: 1,
      maxReplicas,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
    },
  };
}

// Headless output lines, in kubectl's wording.
import { describe, expect, it } from 'vitest';
import { appliedLine, eventLine, resourceRef } from '../../src/cli/print.js';
import type { KubeObject } from '../../src/api/meta.js';

const obj = (apiVersion: string, kind: string, name: string): KubeObject => ({ apiVersion, kind, metadata: { name } });

describe('applied lines', () => {
  it('names the resource as kubectl apply does', () => {
    expect(appliedLine(obj('apps/v1', 'Deployment', 'web'), 'created')).toBe('deployment.apps/web created');
    expect(appliedLine(obj('v1', 'Service', 'web'), 'configured')).toBe('service/web configured');
    expect(appliedLine(obj('networking.k8s.io/v1', 'Ingress', 'in'), 'unchanged')).toBe('ingress.networking.k8s.io/in unchanged');
    expect(appliedLine(obj('autoscaling/v2', 'HorizontalPodAutoscaler', 'h'), 'created', true)).toBe(
      'horizontalpodautoscaler.autoscaling/h created (server dry run)',
    );
    expect(resourceRef('ConfigMap', 'c')).toBe('configmap/c');
  });
});

describe('event lines', () => {
  const ev = (over: Partial<KubeObject>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web-abc.1', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web-abc', namespace: 'default' },
    type: 'Normal',
    reason: 'Scheduled',
    message: 'Successfully assigned default/web-abc to node-1',
    count: 1,
    ...over,
  });

  it('prints type, reason, object and message', () => {
    expect(eventLine(ev({}))).toBe('EVENT Normal Scheduled pod/web-abc: Successfully assigned default/web-abc to node-1');
  });

  it('names a namespace other than default and counts repeats', () => {
    const line = eventLine(
      ev({
        metadata: { name: 'x', namespace: 'kube-system' },
        involvedObject: { kind: 'Pod', name: 'dns', namespace: 'kube-system' },
        type: 'Warning',
        reason: 'BackOff',
        message: 'Back-off restarting failed container\nline two',
        count: 4,
      }),
    );
    expect(line).toBe('EVENT Warning BackOff pod/dns -n kube-system: Back-off restarting failed container line two (x4)');
  });
});

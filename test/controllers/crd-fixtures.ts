// CRDs modelled on well-known operators, shared by the CRD tests: a
// cert-manager-like Certificate (status subresource, printer columns,
// conditions), a Widget with a scale subresource and two versions, and a
// Backup kind with CEL rules.
import type { KubeObject } from '../../src/api/meta.js';

export function certificateCrd(opts: { shortNames?: string[]; plural?: string; kind?: string } = {}): KubeObject {
  const plural = opts.plural ?? 'certificates';
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.cert.example.com` },
    spec: {
      group: 'cert.example.com',
      scope: 'Namespaced',
      names: { plural, singular: plural.replace(/s$/, ''), kind: opts.kind ?? 'Certificate', listKind: `${opts.kind ?? 'Certificate'}List`, shortNames: opts.shortNames ?? ['cert', 'certs'], categories: ['cert-manager'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
            { name: 'Secret', type: 'string', jsonPath: '.spec.secretName' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  required: ['secretName'],
                  properties: {
                    secretName: { type: 'string' },
                    dnsNames: { type: 'array', items: { type: 'string' } },
                    duration: { type: 'string', default: '2160h' },
                  },
                },
                status: {
                  type: 'object',
                  properties: {
                    conditions: {
                      type: 'array',
                      items: {
                        type: 'object',
                        required: ['type', 'status'],
                        properties: { type: { type: 'string' }, status: { type: 'string' }, reason: { type: 'string' }, message: { type: 'string' } },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      ],
    },
  };
}

export function widgetCrd(): KubeObject {
  const schema = {
    openAPIV3Schema: {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            replicas: { type: 'integer', minimum: 0, maximum: 10, default: 1 },
            selector: { type: 'string' },
            size: { type: 'string', enum: ['small', 'large'] },
          },
        },
        status: { type: 'object', properties: { replicas: { type: 'integer' }, selector: { type: 'string' } } },
      },
    },
  };
  const subresources = { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
      versions: [
        { name: 'v1', served: true, storage: true, subresources, schema, additionalPrinterColumns: [{ name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' }] },
        { name: 'v1beta1', served: true, storage: false, subresources, schema },
      ],
    },
  };
}

export function certificate(name: string, secretName = `${name}-tls`): KubeObject {
  return { apiVersion: 'cert.example.com/v1', kind: 'Certificate', metadata: { name, namespace: 'default' }, spec: { secretName, dnsNames: [`${name}.example.com`] } };
}

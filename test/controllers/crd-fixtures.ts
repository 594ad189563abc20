// CRDs modelled on well-known operators, shared by the CRD tests: a
// cert-manager-like Certificate (status subresource, printer columns,
// conditions), a Widget with a scale subresource and two versions, and a
// Backup kind with CEL rules.
import type { KubeObject } from '../../src/api/meta.js';
import { certificateColumns, crdObject, crdVersion } from '../helpers/crd.js';

export function certificateCrd(opts: { shortNames?: string[]; plural?: string; kind?: string } = {}): KubeObject {
  const plural = opts.plural ?? 'certificates';
  return crdObject({
    group: 'cert.example.com',
    names: { plural, singular: plural.replace(/s$/, ''), kind: opts.kind ?? 'Certificate', listKind: `${opts.kind ?? 'Certificate'}List`, shortNames: opts.shortNames ?? ['cert', 'certs'], categories: ['cert-manager'] },
    versions: [
      crdVersion('v1', {
        subresources: { status: {} },
        additionalPrinterColumns: [
          ...certificateColumns(),
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
      }),
    ],
  });
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
  return crdObject({
    group: 'example.com',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
    versions: [crdVersion('v1', { subresources, schema, additionalPrinterColumns: [{ name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' }] }), crdVersion('v1beta1', { subresources, schema }, false)],
  });
}

export function certificate(name: string, secretName = `${name}-tls`): KubeObject {
  return { apiVersion: 'cert.example.com/v1', kind: 'Certificate', metadata: { name, namespace: 'default' }, spec: { secretName, dnsNames: [`${name}.example.com`] } };
}

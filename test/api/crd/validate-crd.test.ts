import { describe, expect, it } from 'vitest';
import { defaultCrd } from '../../../src/api/crd/defaults-crd.js';
import { validateCrd } from '../../../src/api/crd/validate-crd.js';
import { formatFieldError, invalid } from '../../../src/api/errors.js';
import type { KubeObject } from '../../../src/api/meta.js';
import { certManagerConditions } from './cert-manager-conditions.js';
import { certificateColumns, crdObject, crdVersion } from '../../helpers/crd.js';

const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

const str = { type: 'string' };
/** Modelled on cert-manager's Certificate: status subresource, printer columns, a map list of conditions. */
function certificate(): any {
  return crdObject({
    group: 'cert-manager.io',
    names: { kind: 'Certificate', listKind: 'CertificateList', plural: 'certificates', singular: 'certificate', shortNames: ['cert', 'certs'], categories: ['cert-manager'] },
    metadata: { labels: { app: 'cert-manager' } },
    versions: [
      crdVersion('v1', {
        subresources: { status: {} },
        additionalPrinterColumns: [
          ...certificateColumns(),
          { name: 'Issuer', type: 'string', jsonPath: '.spec.issuerRef.name', priority: 1 },
          { name: 'Status', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].message', priority: 1 },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'CreationTimestamp is a timestamp representing the server time' },
        ],
        schema: {
          openAPIV3Schema: {
            description: 'A Certificate resource should be created to ensure an up to date and signed X.509 certificate is stored in the Kubernetes Secret resource named in `spec.secretName`.',
            type: 'object',
            required: ['spec'],
            properties: {
              apiVersion: str,
              kind: str,
              metadata: { type: 'object' },
              spec: {
                type: 'object',
                required: ['issuerRef', 'secretName'],
                properties: {
                  commonName: str,
                  dnsNames: { type: 'array', items: str },
                  duration: str,
                  issuerRef: { type: 'object', required: ['name'], properties: { group: str, kind: str, name: str } },
                  secretName: str,
                  privateKey: { type: 'object', properties: { algorithm: { type: 'string', enum: ['RSA', 'ECDSA', 'Ed25519'] }, size: { type: 'integer' } } },
                  secretTemplate: {
                    type: 'object',
                    properties: { annotations: { type: 'object', additionalProperties: str }, labels: { type: 'object', additionalProperties: str } },
                  },
                  revisionHistoryLimit: { type: 'integer', format: 'int32' },
                },
              },
              status: {
                type: 'object',
                properties: {
                  conditions: certManagerConditions(),
                  notAfter: { type: 'string', format: 'date-time' },
                  revision: { type: 'integer' },
                },
              },
            },
          },
        },
      }),
    ],
  });
}

/** Two versions (v1beta1 deprecated, v1 stored), a scale subresource, defaults, int-or-string, an embedded resource and a CEL rule. */
function widgets(): any {
  const schema = () => ({
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        'x-kubernetes-validations': [{ rule: 'self.replicas <= 100', message: 'at most 100 replicas' }],
        properties: {
          replicas: { type: 'integer', default: 1, minimum: 0 },
          maxUnavailable: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
          template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
          tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: str },
        },
      },
      status: { type: 'object', properties: { replicas: { type: 'integer' }, selector: str } },
    },
  });
  const subresources = () => ({ status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } });
  return crdObject({
    group: 'example.com',
    names: { kind: 'Widget', plural: 'widgets' },
    versions: [
      crdVersion(
        'v1beta1',
        {
          deprecated: true,
          deprecationWarning: 'example.com/v1beta1 Widget is deprecated; use example.com/v1',
          schema: { openAPIV3Schema: schema() },
          subresources: subresources(),
        },
        false,
      ),
      crdVersion('v1', {
        schema: { openAPIV3Schema: schema() },
        subresources: subresources(),
        additionalPrinterColumns: [{ name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' }],
      }),
    ],
  });
}

const established = (crd: any) => ({ ...crd, status: { ...crd.status, conditions: [{ type: 'Established', status: 'True' }] } });

function prepared(o: any): KubeObject {
  const crd = structuredClone(o);
  defaultCrd(crd);
  return crd;
}
const msgs = (o: any, old?: any) => validateCrd(prepared(o), old ? prepared(old) : undefined).map(formatFieldError);

describe('validateCrd accepts', () => {
  it('a Certificate-like CRD with a status subresource and printer columns', () => {
    expect(msgs(certificate())).toEqual([]);
  });
  it('a two-version CRD with a scale subresource', () => {
    expect(msgs(widgets())).toEqual([]);
  });
  it('an unchanged update of an established CRD', () => {
    expect(msgs(certificate(), established(certificate()))).toEqual([]);
    expect(msgs(widgets(), established(widgets()))).toEqual([]);
  });
  it('a protected group with an approval URL or an unapproved reason', () => {
    for (const a of ['https://github.com/kubernetes/enhancements/pull/1111', 'unapproved, experimental']) {
      const c = certificate();
      c.spec.group = 'cert.k8s.io';
      c.metadata.name = 'certificates.cert.k8s.io';
      c.metadata.annotations = { 'api-approved.kubernetes.io': a };
      expect(msgs(c)).toEqual([]);
    }
  });
});

const CERT_VERSIONS_NO_STORAGE =
  '[]apiextensions.CustomResourceDefinitionVersion{apiextensions.CustomResourceDefinitionVersion{Name:"v1", Served:true, Storage:false, Deprecated:false, DeprecationWarning:(*string)(nil), Schema:&apiextensions.CustomResourceValidation{…}, Subresources:&apiextensions.CustomResourceSubresources{…}, AdditionalPrinterColumns:[]apiextensions.CustomResourceColumnDefinition{…}, SelectableFields:[]apiextensions.SelectableField(nil)}}';

type Row = [string, (c: any) => void, string[]];
const onCert = (rows: Row[]) => rows.map(([n, f, e]) => [n, () => certificate(), f, e] as const);
const onWidgets = (rows: Row[]) => rows.map(([n, f, e]) => [n, () => widgets(), f, e] as const);

describe('validateCrd reports', () => {
  it.each([
    ...onCert([
      ['a name that is not plural.group', (c) => (c.metadata.name = 'foo'), ['metadata.name: Invalid value: "foo": must be spec.names.plural+"."+spec.group']],
      [
        'a group without a dot',
        (c) => {
          c.spec.group = 'example';
          c.metadata.name = 'certificates.example';
        },
        ['spec.group: Invalid value: "example": should be a domain with at least one dot'],
      ],
      [
        'a missing group',
        (c) => {
          delete c.spec.group;
          c.metadata.name = 'certificates.';
        },
        [`metadata.name: Invalid value: "certificates.": ${SUBDOMAIN}`, 'spec.group: Required value'],
      ],
      ['an unknown scope', (c) => (c.spec.scope = 'Global'), ['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"']],
      ['a missing scope', (c) => delete c.spec.scope, ['spec.scope: Required value']],
      [
        'a missing plural',
        (c) => delete c.spec.names.plural,
        ['metadata.name: Invalid value: "certificates.cert-manager.io": must be spec.names.plural+"."+spec.group', 'spec.names.plural: Required value'],
      ],
      [
        'a missing kind (nothing to default singular and listKind from)',
        (c) => {
          delete c.spec.names.kind;
          delete c.spec.names.singular;
          delete c.spec.names.listKind;
        },
        ['spec.names.singular: Required value', 'spec.names.kind: Required value', 'spec.names.listKind: Required value'],
      ],
      ['an upper-case singular', (c) => (c.spec.names.singular = 'Certificate'), [`spec.names.singular: Invalid value: "Certificate": ${DNS1035}`]],
      [
        'a kind with an underscore',
        (c) => (c.spec.names.kind = 'Cert_ificate'),
        [`spec.names.kind: Invalid value: "Cert_ificate": may have mixed case, but should otherwise match: ${DNS1035}`],
      ],
      ['listKind equal to kind', (c) => (c.spec.names.listKind = 'Certificate'), ['spec.names.listKind: Invalid value: "Certificate": kind and listKind may not be the same']],
      ['an upper-case short name', (c) => (c.spec.names.shortNames = ['cert', 'CERT']), [`spec.names.shortNames[1]: Invalid value: "CERT": ${DNS1035}`]],
      ['a category with an underscore', (c) => (c.spec.names.categories = ['cert_manager']), [`spec.names.categories[0]: Invalid value: "cert_manager": ${DNS1035}`]],
      [
        'no storage version',
        (c) => (c.spec.versions[0].storage = false),
        [
          `spec.versions: Invalid value: ${CERT_VERSIONS_NO_STORAGE}: must have exactly one version marked as storage version`,
          'status.storedVersions: Invalid value: []string(nil): must have at least one stored version',
        ],
      ],
      [
        'no versions',
        (c) => (c.spec.versions = []),
        [
          'spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{}: must have exactly one version marked as storage version',
          'status.storedVersions: Invalid value: []string(nil): must have at least one stored version',
        ],
      ],
      ['an upper-case version name', (c) => (c.spec.versions[0].name = 'V1'), [`spec.versions[0].name: Invalid value: "V1": ${DNS1035}`]],
      ['a version without a schema', (c) => delete c.spec.versions[0].schema, ['spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required']],
      [
        'a structural error in a schema',
        (c) => delete c.spec.versions[0].schema.openAPIV3Schema.properties.spec.type,
        ['spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields'],
      ],
      [
        'a root keyword a status subresource does not allow',
        (c) => (c.spec.versions[0].schema.openAPIV3Schema.default = {}),
        [
          'spec.versions[0].schema.openAPIV3Schema: Invalid value: apiextensions.JSONSchemaProps{…}: only [Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations] fields are allowed at the root of the schema if the status subresource is enabled',
        ],
      ],
      [
        'a non-object root with a status subresource',
        (c) => (c.spec.versions[0].schema.openAPIV3Schema.type = 'array'),
        [
          'spec.versions[0].schema.openAPIV3Schema.type: Invalid value: "array": only "object" is allowed as the type at the root of the schema if the status subresource is enabled',
          'spec.versions[0].schema.openAPIV3Schema.items: Required value: must be specified',
          'spec.versions[0].schema.openAPIV3Schema.type: Invalid value: "array": must be object at the root',
        ],
      ],
      [
        'a stored version no longer listed',
        (c) => (c.status = { storedVersions: ['v1alpha2', 'v1'] }),
        [
          'status.storedVersions[0]: Invalid value: "v1alpha2": missing from spec.versions; v1alpha2 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v1alpha2 and removes v1alpha2 from status.storedVersions',
        ],
      ],
      [
        'a printer column of an unknown type',
        (c) => (c.spec.versions[0].additionalPrinterColumns[4].type = 'time'),
        ['spec.versions[0].additionalPrinterColumns[4].type: Invalid value: "time": must be one of boolean,date,integer,number,string'],
      ],
      [
        'a printer column without a type',
        (c) => delete c.spec.versions[0].additionalPrinterColumns[0].type,
        ['spec.versions[0].additionalPrinterColumns[0].type: Required value: must be one of boolean,date,integer,number,string'],
      ],
      [
        'a printer column with an unknown format',
        (c) => (c.spec.versions[0].additionalPrinterColumns[0].format = 'uuid'),
        ['spec.versions[0].additionalPrinterColumns[0].format: Invalid value: "uuid": must be one of byte,date,date-time,double,float,int32,int64,password'],
      ],
      ['a printer column without a name', (c) => delete c.spec.versions[0].additionalPrinterColumns[0].name, ['spec.versions[0].additionalPrinterColumns[0].name: Required value']],
      [
        'a printer column without a jsonPath',
        (c) => delete c.spec.versions[0].additionalPrinterColumns[1].jsonPath,
        ['spec.versions[0].additionalPrinterColumns[1].JSONPath: Required value'],
      ],
      [
        'a printer column jsonPath without the leading dot',
        (c) => (c.spec.versions[0].additionalPrinterColumns[1].jsonPath = 'spec.secretName'),
        ['spec.versions[0].additionalPrinterColumns[1].JSONPath: Invalid value: "spec.secretName": must be a simple json path starting with .'],
      ],
      [
        'webhook conversion, which kubeterm does not run',
        (c) => (c.spec.conversion = { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig: { url: 'https://conv.example.com' } } }),
        ['spec.conversion.strategy: Unsupported value: "Webhook": supported values: "None" (kubeterm runs no conversion webhooks; use strategy None)'],
      ],
      ['an unknown conversion strategy', (c) => (c.spec.conversion = { strategy: 'Magic' }), ['spec.conversion.strategy: Unsupported value: "Magic": supported values: "None", "Webhook"']],
      ['a conversion without a strategy', (c) => (c.spec.conversion = {}), ['spec.conversion.strategy: Required value']],
      [
        'a webhook client config with strategy None',
        (c) => (c.spec.conversion = { strategy: 'None', webhook: { clientConfig: { url: 'https://conv.example.com' } } }),
        ['spec.conversion.webhookClientConfig: Forbidden: should not be set when strategy is not set to Webhook'],
      ],
      [
        'preserveUnknownFields: true',
        (c) => (c.spec.preserveUnknownFields = true),
        ['spec.preserveUnknownFields: Invalid value: true: cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'],
      ],
      [
        'a protected group without approval',
        (c) => {
          c.spec.group = 'cert.k8s.io';
          c.metadata.name = 'certificates.cert.k8s.io';
        },
        ['metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111'],
      ],
      [
        'a protected group with a malformed approval',
        (c) => {
          c.spec.group = 'cert.k8s.io';
          c.metadata.name = 'certificates.cert.k8s.io';
          c.metadata.annotations = { 'api-approved.kubernetes.io': 'yes please' };
        },
        [
          'metadata.annotations[api-approved.kubernetes.io]: Invalid value: "yes please": protected groups must have approval annotation "api-approved.kubernetes.io" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111',
        ],
      ],
    ]),
    ...onWidgets([
      [
        'duplicate version names',
        (c) => (c.spec.versions[0].name = 'v1'),
        [
          expect.stringMatching(/^spec\.versions: Invalid value: \[\]apiextensions\.CustomResourceDefinitionVersion\{.*\}: must contain unique version names$/),
          // the first v1 (not storage) consumes the stored entry, as in Kubernetes
          'status.storedVersions: Invalid value: []string{"v1"}: must have the storage version v1',
        ] as any,
      ],
      [
        'two storage versions',
        (c) => (c.spec.versions[0].storage = true),
        [
          expect.stringMatching(/^spec\.versions: Invalid value: .*: must have exactly one version marked as storage version$/),
          // defaulting records only the first storage version
          'status.storedVersions: Invalid value: []string{"v1beta1"}: must have the storage version v1',
        ] as any,
      ],
      [
        'a stored list without the storage version',
        (c) => (c.status = { storedVersions: ['v1beta1'] }),
        ['status.storedVersions: Invalid value: []string{"v1beta1"}: must have the storage version v1'],
      ],
      [
        'a scale spec path without the leading dot',
        (c) => (c.spec.versions[0].subresources.scale.specReplicasPath = 'spec.replicas'),
        ['spec.versions[0].subresources.scale.specReplicasPath: Invalid value: "spec.replicas": must be a simple json path starting with .'],
      ],
      [
        'a scale spec path outside .spec',
        (c) => (c.spec.versions[0].subresources.scale.specReplicasPath = '.status.replicas'),
        ['spec.versions[0].subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec'],
      ],
      [
        'a scale without a status path',
        (c) => delete c.spec.versions[1].subresources.scale.statusReplicasPath,
        ['spec.versions[1].subresources.scale.statusReplicasPath: Required value'],
      ],
      [
        'a label selector path under metadata',
        (c) => (c.spec.versions[1].subresources.scale.labelSelectorPath = '.metadata.labels'),
        ['spec.versions[1].subresources.scale.labelSelectorPath: Invalid value: ".metadata.labels": should be a json path under either .spec or .status'],
      ],
      ['a status subresource that is not an object', (c) => (c.spec.versions[0].subresources.status = true), ['spec.versions[0].subresources.status: Invalid value: true: must be an object']],
      [
        'a deprecation warning on a current version',
        (c) => (c.spec.versions[0].deprecated = false),
        ['spec.versions[0].deprecationWarning: Invalid value: "example.com/v1beta1 Widget is deprecated; use example.com/v1": can only be set for deprecated versions'],
      ],
      [
        'defaults with preserveUnknownFields: true',
        (c) => (c.spec.preserveUnknownFields = true),
        [
          'spec.preserveUnknownFields: Invalid value: true: must be false in order to use defaults in the schema',
          'spec.preserveUnknownFields: Invalid value: true: cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead',
        ],
      ],
    ]),
  ])('%s', (_name, make, mutate, expected) => {
    const c = make();
    mutate(c);
    expect(msgs(c)).toEqual(expected);
  });

  it('renders as the API server does', () => {
    const c = prepared(certificate());
    c.spec.group = 'example';
    c.metadata.name = 'certificates.example';
    expect(invalid('CustomResourceDefinition', 'certificates.example', validateCrd(c)).message).toMatch(
      /"certificates\.example" is invalid: spec\.group: Invalid value: "example": should be a domain with at least one dot$/,
    );
  });
});

describe('validateCrd on update', () => {
  it.each([
    ['scope of an established CRD', (c: any) => (c.spec.scope = 'Cluster'), true, ['spec.scope: Invalid value: "Cluster": field is immutable']],
    ['scope before it is established', (c: any) => (c.spec.scope = 'Cluster'), false, []],
    [
      'kind of an established CRD',
      (c: any) => {
        c.spec.names.kind = 'Cert';
        c.spec.names.listKind = 'CertList';
      },
      true,
      ['spec.names.kind: Invalid value: "Cert": field is immutable'],
    ],
    ['group, always', (c: any) => (c.spec.group = 'cert-manager.example.com'), false, ['spec.group: Invalid value: "cert-manager.example.com": field is immutable']],
    ['plural, always', (c: any) => (c.spec.names.plural = 'certs'), false, ['spec.names.plural: Invalid value: "certs": field is immutable']],
  ])('%s', (_name, mutate, isEstablished, expected) => {
    const old = isEstablished ? established(certificate()) : certificate();
    const c = structuredClone(old);
    mutate(c);
    expect(msgs(c, old)).toEqual(expected);
  });

  it('refuses dropping a version that still holds data', () => {
    const old = established(widgets());
    old.status.storedVersions = ['v1beta1', 'v1'];
    const c = structuredClone(old);
    c.spec.versions.shift();
    expect(msgs(c, old)).toEqual([
      'status.storedVersions[0]: Invalid value: "v1beta1": missing from spec.versions; v1beta1 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v1beta1 and removes v1beta1 from status.storedVersions',
    ]);
  });

  it('keeps preserveUnknownFields: true on a CRD that already had it', () => {
    const old = certificate();
    old.spec.preserveUnknownFields = true;
    expect(msgs(structuredClone(old), old)).toEqual([]);
  });
});

describe('validateCrd on malformed input', () => {
  it.each<[string, any, string[] | null]>([
    ['spec as a string', { ...certificate(), spec: 'x' }, null],
    ['versions as a string', { ...certificate(), spec: { ...certificate().spec, versions: 'v1' } }, null],
    ['names as a list', { ...certificate(), spec: { ...certificate().spec, names: [] } }, null],
    ['a null version', { ...certificate(), spec: { ...certificate().spec, versions: [null] } }, null],
    ['no metadata', { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: null }, null],
    ['an empty object', {}, null],
    [
      'status as a number',
      { ...certificate(), status: 5 },
      ['status: Invalid value: 5: must be an object', 'status.storedVersions: Invalid value: []string(nil): must have at least one stored version'],
    ],
  ])('%s', (_name, crd, expected) => {
    let errs: string[] = [];
    expect(() => (errs = msgs(crd))).not.toThrow();
    if (expected) expect(errs).toEqual(expected);
    else expect(errs.length).toBeGreaterThan(0);
  });
});

describe('defaultCrd', () => {
  it('fills singular, listKind, conversion and storedVersions as v1 SetDefaults does', () => {
    const c = widgets();
    defaultCrd(c);
    expect(c.spec.names).toEqual({ kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' });
    expect(c.spec.conversion).toEqual({ strategy: 'None' });
    expect(c.status).toEqual({ storedVersions: ['v1'] });
  });

  it('keeps what is set and is idempotent', () => {
    const c = certificate();
    c.spec.conversion = { strategy: 'Webhook', webhook: { clientConfig: { service: { name: 'conv', namespace: 'cm' } } } };
    c.status = { storedVersions: ['v1alpha2', 'v1'] };
    defaultCrd(c);
    const once = structuredClone(c);
    defaultCrd(c);
    expect(c).toEqual(once);
    expect(c.spec.names.singular).toBe('certificate');
    expect(c.spec.conversion.webhook.clientConfig.service.port).toBe(443);
    expect(c.status.storedVersions).toEqual(['v1alpha2', 'v1']);
  });

  it.each([null, 'x', [], { spec: null }, { spec: 'x' }, { spec: { names: 'x', versions: 'x', conversion: 5 } }, { spec: { versions: [null, 1] }, status: 'x' }])(
    'tolerates %j',
    (o) => {
      expect(() => defaultCrd(o as any)).not.toThrow();
    },
  );
});

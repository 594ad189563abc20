// The CRD schema engine on a realistic schema (cert-manager's Certificate,
// abridged), the ajv gate's soundness against the exact walker, and a timing
// figure for 1000 validations (printed, never asserted).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGate } from '../../../src/api/crd/schema/ajv.js';
import { compileSchema } from '../../../src/api/crd/schema/index.js';
import { compileNode } from '../../../src/api/crd/schema/node.js';
import { validateOpenAPI } from '../../../src/api/crd/schema/openapi.js';
import { formatFieldError } from '../../../src/api/errors.js';
import { certManagerConditions } from './cert-manager-conditions.js';

type Obj = Record<string, unknown>;

const str = { type: 'string' };
const strList = { type: 'array', items: str };
const selectorRef = { type: 'object', required: ['name'], properties: { name: str, key: str } };

const certificateSchema: Obj = {
  description: 'A Certificate resource should be created to ensure an up to date and signed X.509 certificate is stored in the Kubernetes Secret resource named in `spec.secretName`.',
  type: 'object',
  properties: {
    apiVersion: str,
    kind: str,
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['issuerRef', 'secretName'],
      'x-kubernetes-validations': [
        { rule: 'has(self.commonName) || has(self.dnsNames) || has(self.uris) || has(self.emailAddresses) || has(self.ipAddresses)', message: 'at least one of commonName, dnsNames, uris, emailAddresses or ipAddresses must be set' },
        { rule: '!has(self.renewBefore) || !has(self.renewBeforePercentage)', message: 'renewBefore and renewBeforePercentage are mutually exclusive' },
      ],
      properties: {
        additionalOutputFormats: {
          type: 'array',
          items: { type: 'object', required: ['type'], properties: { type: { type: 'string', enum: ['DER', 'CombinedPEM'] } } },
        },
        commonName: { type: 'string', maxLength: 64 },
        dnsNames: { ...strList, 'x-kubernetes-list-type': 'set' },
        duration: { type: 'string', format: 'duration' },
        emailAddresses: strList,
        encodeUsagesInRequest: { type: 'boolean' },
        ipAddresses: strList,
        isCA: { type: 'boolean' },
        issuerRef: { type: 'object', required: ['name'], properties: { group: str, kind: str, name: str } },
        keystores: {
          type: 'object',
          properties: {
            jks: { type: 'object', required: ['create', 'passwordSecretRef'], properties: { alias: str, create: { type: 'boolean' }, passwordSecretRef: selectorRef } },
            pkcs12: {
              type: 'object',
              required: ['create', 'passwordSecretRef'],
              properties: { create: { type: 'boolean' }, passwordSecretRef: selectorRef, profile: { type: 'string', enum: ['LegacyRC2', 'LegacyDES', 'Modern2023'] } },
            },
          },
        },
        literalSubject: str,
        nameConstraints: {
          type: 'object',
          properties: {
            critical: { type: 'boolean' },
            excluded: { type: 'object', properties: { dnsDomains: strList, emailAddresses: strList, ipRanges: strList, uriDomains: strList } },
            permitted: { type: 'object', properties: { dnsDomains: strList, emailAddresses: strList, ipRanges: strList, uriDomains: strList } },
          },
        },
        otherNames: { type: 'array', items: { type: 'object', properties: { oid: str, utf8Value: str } } },
        privateKey: {
          type: 'object',
          properties: {
            algorithm: { type: 'string', enum: ['RSA', 'ECDSA', 'Ed25519'] },
            encoding: { type: 'string', enum: ['PKCS1', 'PKCS8'] },
            rotationPolicy: { type: 'string', enum: ['Never', 'Always'] },
            size: { type: 'integer' },
          },
        },
        renewBefore: { type: 'string', format: 'duration' },
        renewBeforePercentage: { type: 'integer', format: 'int32', minimum: 1, maximum: 99 },
        revisionHistoryLimit: { type: 'integer', format: 'int32', minimum: 1 },
        secretName: { type: 'string', minLength: 1 },
        secretTemplate: { type: 'object', properties: { annotations: { type: 'object', additionalProperties: str }, labels: { type: 'object', additionalProperties: str } } },
        subject: {
          type: 'object',
          properties: {
            countries: strList,
            localities: strList,
            organizationalUnits: strList,
            organizations: strList,
            postalCodes: strList,
            provinces: strList,
            serialNumber: str,
            streetAddresses: strList,
          },
        },
        uris: strList,
        usages: {
          type: 'array',
          items: {
            type: 'string',
            enum: ['signing', 'digital signature', 'content commitment', 'key encipherment', 'key agreement', 'data encipherment', 'cert sign', 'crl sign', 'encipher only', 'decipher only', 'any', 'server auth', 'client auth', 'code signing', 'email protection', 's/mime', 'ipsec end system', 'ipsec tunnel', 'ipsec user', 'timestamping', 'ocsp signing', 'microsoft sgc', 'netscape sgc'],
          },
        },
      },
    },
    status: {
      type: 'object',
      properties: {
        conditions: certManagerConditions(),
        failedIssuanceAttempts: { type: 'integer' },
        lastFailureTime: { type: 'string', format: 'date-time' },
        nextPrivateKeySecretName: str,
        notAfter: { type: 'string', format: 'date-time' },
        notBefore: { type: 'string', format: 'date-time' },
        renewalTime: { type: 'string', format: 'date-time' },
        revision: { type: 'integer' },
      },
    },
  },
};

function certificate(i: number): Obj {
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: `cert-${i}`, namespace: 'default' },
    spec: {
      secretName: `cert-${i}-tls`,
      commonName: `svc-${i}.example.com`,
      dnsNames: [`svc-${i}.example.com`, `www.svc-${i}.example.com`],
      duration: '2160h',
      renewBefore: '360h',
      issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      usages: ['digital signature', 'key encipherment', 'server auth'],
      secretTemplate: { labels: { app: `svc-${i}` } },
    },
    status: {
      conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date', lastTransitionTime: '2024-05-01T12:00:00Z', observedGeneration: 1 }],
      notAfter: '2024-07-30T12:00:00Z',
      notBefore: '2024-05-01T12:00:00Z',
      renewalTime: '2024-07-15T12:00:00Z',
      revision: 1,
    },
  };
}

describe('realistic schema: cert-manager Certificate', () => {
  const c = compileSchema(certificateSchema);

  it('accepts a well-formed certificate', () => {
    expect(c.validate(certificate(1))).toEqual([]);
  });

  it('reports a broken one in Kubernetes words', () => {
    const cert = certificate(2);
    const spec = cert.spec as Obj;
    delete spec.issuerRef;
    spec.privateKey = { algorithm: 'DSA', size: '2048' };
    spec.duration = 'forever';
    spec.dnsNames = ['a.example.com', 'a.example.com'];
    (cert.status as Obj).conditions = [{ type: 'Ready', status: 'Maybe' }, { type: 'Ready', status: 'True' }];
    expect(c.validate(cert).map(formatFieldError)).toEqual([
      'spec.duration: Invalid value: "forever": spec.duration in body must be of type duration: "forever"',
      'spec.privateKey.algorithm: Unsupported value: "DSA": supported values: "RSA", "ECDSA", "Ed25519"',
      'spec.privateKey.size: Invalid value: "string": spec.privateKey.size in body must be of type integer: "string"',
      'spec.issuerRef: Required value',
      'status.conditions[0].status: Unsupported value: "Maybe": supported values: "True", "False", "Unknown"',
      'spec.dnsNames[1]: Duplicate value: "a.example.com"',
      'status.conditions[1]: Duplicate value: map[string]interface {}{"type":"Ready"}',
      '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ]);
  });

  it('runs its CEL rules', () => {
    const cert = certificate(3);
    const spec = cert.spec as Obj;
    delete spec.commonName;
    delete spec.dnsNames;
    spec.renewBeforePercentage = 10;
    expect(c.validate(cert).map(formatFieldError)).toEqual([
      'spec: Invalid value: "object": at least one of commonName, dnsNames, uris, emailAddresses or ipAddresses must be set',
      'spec: Invalid value: "object": renewBefore and renewBeforePercentage are mutually exclusive',
    ]);
  });

  it('prunes and defaults without touching known fields', () => {
    const cert = certificate(4);
    (cert.spec as Obj).unknownField = true;
    expect(c.prune(cert)).toEqual(['spec.unknownField']);
    expect(cert).toEqual(certificate(4));
  });

  it('times validation of 1000 objects (printed only)', () => {
    const objs = Array.from({ length: 1000 }, (_, i) => certificate(i));
    const bad = objs.map((o) => ({ ...o, spec: { ...(o.spec as Obj), privateKey: { algorithm: 'DSA' } } }));
    c.validate(objs[0]);
    let t = performance.now();
    let errors = 0;
    for (const o of objs) errors += c.validate(o).length;
    const valid = performance.now() - t;
    t = performance.now();
    for (const o of bad) errors += c.validate(o).length;
    const invalidMs = performance.now() - t;
    t = performance.now();
    for (let i = 1; i < objs.length; i++) c.validate(objs[i], objs[i - 1]);
    const update = performance.now() - t;
    console.log(
      `[crd schema] 1000 Certificate validations: valid ${valid.toFixed(1)} ms, invalid ${invalidMs.toFixed(1)} ms, update ${update.toFixed(1)} ms (${errors} errors)`,
    );
    expect(errors).toBe(2000); // each broken object: the enum error and the "rules were not checked" error
  });
});

describe('ajv gate', () => {
  const schemas: Obj[] = [
    certificateSchema,
    {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          required: ['a'],
          properties: {
            a: { type: 'integer', minimum: -0.5, maximum: 10.5, multipleOf: 2 },
            b: { type: 'string', pattern: '^[a-z]{1,3}$', enum: ['ab', 'abc', null], nullable: true },
            c: { 'x-kubernetes-int-or-string': true },
            d: { type: 'string', format: 'ipv4' },
            e: { format: 'date-time' },
            f: { type: 'object', additionalProperties: { type: 'number', maximum: 1 }, maxProperties: 2 },
            g: { type: 'array', items: { type: 'boolean' }, uniqueItems: true, maxItems: 3 },
            h: { type: 'object', properties: { x: str, y: str }, oneOf: [{ required: ['x'] }, { required: ['y'] }] },
          },
        },
      },
    },
  ];
  const value = fc.letrec((tie) => ({
    json: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom(null, true, false, 0, 1, 2, 10, 11, -1, 0.5, 1.5, 'ab', 'abc', 'abcd', '10.0.0.1', '2024-01-01T00:00:00Z', 'x', 'y'),
      fc.array(tie('json'), { maxLength: 4 }),
      fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'x', 'y', 'name'), tie('json'), { maxKeys: 5 }),
    ),
  })).json;

  it('never accepts what the exact walker rejects', () => {
    for (const schema of schemas) {
      const root = compileNode(schema);
      const gate = compileGate(root);
      expect(gate).toBeDefined();
      fc.assert(
        fc.property(value, (spec) => {
          const obj = { spec };
          if (gate?.(obj)) expect(validateOpenAPI(root, obj)).toEqual([]);
        }),
        { numRuns: 500 },
      );
    }
  });
});

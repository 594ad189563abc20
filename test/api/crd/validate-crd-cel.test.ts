import { describe, expect, it } from 'vitest';
import { formatFieldError } from '../../../src/api/errors.js';
import { validateCrd } from '../../../src/api/crd/validate-crd.js';
import { defaultCrd } from '../../../src/api/crd/defaults-crd.js';
import type { KubeObject } from '../../../src/api/meta.js';
import { crdObject, crdVersion } from '../../helpers/crd.js';

function crdWithRule(rule: string): KubeObject {
  const crd: KubeObject = crdObject({
    group: 'example.com',
    names: { plural: 'backups', kind: 'Backup' },
    versions: [
      crdVersion('v1', {
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                'x-kubernetes-validations': [{ rule, message: 'keep must not exceed max' }],
                properties: { keep: { type: 'integer' }, max: { type: 'integer' } },
              },
            },
          },
        },
      }),
    ],
  });
  defaultCrd(crd);
  return crd;
}

describe('CRD validation compiles x-kubernetes-validations rules', () => {
  it('accepts a rule over declared fields', () => {
    expect(validateCrd(crdWithRule('self.keep <= self.max')).map(formatFieldError)).toEqual([]);
  });
  it('refuses a rule that does not compile, naming the rule', () => {
    const errs = validateCrd(crdWithRule('self.keep <=')).map(formatFieldError);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(/^spec\.versions\[0\]\.schema\.openAPIV3Schema\.properties\[spec\]\.x-kubernetes-validations\[0\]\.rule: Invalid value: .*compilation failed/);
  });
});

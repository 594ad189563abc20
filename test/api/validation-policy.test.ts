// policy/v1 PodDisruptionBudget validation in kube-apiserver's words
// (pkg/apis/policy/validation), the API door's whole Invalid message, and the
// kubectl get pdb table.
import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import { formatFieldError, isStatusError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/meta.js';
import { validateObject } from '../../src/api/validation/index.js';
import { printerFor } from '../../src/apiserver/printers/index.js';
import { MemoryStore } from '../../state/store.js';

const pdb = (spec: object, name = 'web'): KubeObject => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: 'default' }, spec });
const msgs = (spec: object) => validateObject(pdb(spec)).map(formatFieldError);
const sel = { matchLabels: { app: 'web' } };

describe('PodDisruptionBudget validation', () => {
  it.each<[string, object, string[]]>([
    ['minAvailable as an integer', { minAvailable: 2, selector: sel }, []],
    ['maxUnavailable as a percent', { maxUnavailable: '25%', selector: sel }, []],
    ['neither set, empty selector (all pods)', { selector: {} }, []],
    ['no selector', { minAvailable: 1 }, []],
    [
      'both set',
      { minAvailable: 1, maxUnavailable: 1, selector: sel },
      [
        'spec: Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:(*intstr.IntOrString)(0xc000000000), Selector:(*v1.LabelSelector)(0xc000000000), MaxUnavailable:(*intstr.IntOrString)(0xc000000000), UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)(nil)}: minAvailable and maxUnavailable cannot be both set',
      ],
    ],
    ['negative', { minAvailable: -1, selector: sel }, ['spec.minAvailable: Invalid value: -1: must be greater than or equal to 0']],
    [
      'not a percent',
      { maxUnavailable: '50', selector: sel },
      ["spec.maxUnavailable: Invalid value: 50: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"],
    ],
    ['over 100%', { minAvailable: '150%', selector: sel }, ['spec.minAvailable: Invalid value: 150%: must not be greater than 100%']],
    [
      'a bad selector operator',
      { minAvailable: 1, selector: { matchExpressions: [{ key: 'app', operator: 'Near', values: ['x'] }] } },
      ['spec.selector.matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator'],
    ],
    [
      'an unknown unhealthy pod eviction policy',
      { minAvailable: 1, selector: sel, unhealthyPodEvictionPolicy: 'Sometimes' },
      ['spec.unhealthyPodEvictionPolicy: Unsupported value: "Sometimes": supported values: "AlwaysAllow", "IfHealthyBudget"'],
    ],
  ])('%s', (_name, spec, want) => {
    expect(msgs(spec)).toEqual(want);
  });

  it('the API refuses both bounds with the whole Invalid message, and lets the spec change later', async () => {
    const api = new Api({ store: new MemoryStore() });
    await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    const err = await api.create(pdb({ minAvailable: 1, maxUnavailable: '10%', selector: sel })).catch((e: unknown) => e);
    expect(isStatusError(err, 'Invalid')).toBe(true);
    expect((err as Error).message).toMatch(/^PodDisruptionBudget\.policy "web" is invalid: spec: Invalid value: policy\.PodDisruptionBudgetSpec\{.*\}: minAvailable and maxUnavailable cannot be both set$/);
    await api.create(pdb({ minAvailable: 1, selector: sel }));
    const changed = await api.modify('PodDisruptionBudget', 'default', 'web', (b) => {
      b.spec = { maxUnavailable: 1, selector: sel };
    });
    expect(changed!.metadata.generation).toBe(2);
  });
});

describe('kubectl get pdb table', () => {
  it('prints MIN AVAILABLE, MAX UNAVAILABLE (N/A for the unset one), ALLOWED DISRUPTIONS and AGE', () => {
    const now = Date.parse('2026-01-01T00:10:00Z');
    const a = { ...pdb({ minAvailable: 2, selector: sel }), status: { disruptionsAllowed: 1 } } as KubeObject;
    a.metadata.creationTimestamp = '2026-01-01T00:00:00Z';
    const b = pdb({ maxUnavailable: '50%', selector: sel }, 'api');
    b.metadata.creationTimestamp = '2026-01-01T00:09:30Z';
    const p = printerFor('PodDisruptionBudget');
    expect(p.columns.map((c) => [c.name, c.type])).toEqual([
      ['Name', 'string'],
      ['Min Available', 'string'],
      ['Max Unavailable', 'string'],
      ['Allowed Disruptions', 'integer'],
      ['Age', 'string'],
    ]);
    expect(p.cells(a, now)).toEqual(['web', '2', 'N/A', 1, '10m']);
    expect(p.cells(b, now)).toEqual(['api', 'N/A', '50%', 0, '30s']);
  });
});

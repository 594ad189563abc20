// cert-manager's `status.conditions` schema, as both the CRD validation tests
// and the realistic-schema tests model the Certificate: a map list keyed by
// `type`, each condition with a True/False/Unknown status. A fresh copy per
// call, so a test that edits its CRD cannot reach another's.
const str = { type: 'string' };

export function certManagerConditions(): Record<string, unknown> {
  return {
    type: 'array',
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
    items: {
      type: 'object',
      required: ['status', 'type'],
      properties: {
        lastTransitionTime: { type: 'string', format: 'date-time' },
        message: { ...str },
        observedGeneration: { type: 'integer', format: 'int64' },
        reason: { ...str },
        status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
        type: { ...str },
      },
    },
  };
}

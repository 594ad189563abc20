// The YAML view: the object as `kubectl get -o yaml` shows it, minus
// managedFields (k9s hides them too). Secret values stay masked until revealed.
import { stringify } from 'yaml';
import type { KubeObject } from '../../src/api/meta.js';

export const MASK = '********';

function decode(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8');
}

export function objectYaml(obj: KubeObject, opts: { reveal?: boolean } = {}): string {
  const copy: Record<string, unknown> = { ...obj, metadata: { ...obj.metadata } };
  delete (copy.metadata as Record<string, unknown>).managedFields;
  if (obj.kind === 'Secret' && obj.data && typeof obj.data === 'object') {
    const data: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj.data as Record<string, string>)) data[k] = opts.reveal ? decode(v) : MASK;
    copy.data = data;
  }
  return stringify(copy, { lineWidth: 0 });
}

// The `?` help page, generated from the key bindings active in the view — the
// same data the key handler dispatches on.
import { activeBindings, keyLabel, type Binding, type Group } from '../keys.js';

const GROUPS: { group: Group; title: string }[] = [
  { group: 'resource', title: 'RESOURCE' },
  { group: 'logs', title: 'LOGS' },
  { group: 'general', title: 'GENERAL' },
  { group: 'navigation', title: 'NAVIGATION' },
];

export function helpLines(bindings: readonly Binding[], scopes: readonly string[]): string[] {
  const active = activeBindings(bindings, scopes);
  const lines: string[] = [];
  for (const { group, title } of GROUPS) {
    const bs = active.filter((b) => b.group === group);
    if (!bs.length) continue;
    if (lines.length) lines.push('');
    lines.push(title);
    for (const b of bs) {
      const keys = [b.key, ...(b.also ?? [])].map(keyLabel).join(' ');
      lines.push(`  ${keys.padEnd(24)}${b.label}`);
    }
  }
  return lines;
}

// Which key-binding scopes a view has (see keys.ts): the table of a kind has
// that kind's bindings, 'table' and 'global'; text views 'text' (+ 'secret-text'
// for Secrets, where x decodes); logs 'logs'; rollout history 'history'.
import type { View } from './types.js';

export function scopesFor(view: View, revealable = true): string[] {
  switch (view.type) {
    case 'table':
      return [view.kind, 'table', 'global'];
    case 'describe':
    case 'yaml':
      return view.kind === 'Secret' && revealable ? ['secret-text', 'text', 'global'] : ['text', 'global'];
    case 'help':
    case 'sync-diff':
      return ['text', 'global'];
    case 'sync':
      return ['sync', 'text', 'global'];
    case 'logs':
      return ['logs', 'global'];
    case 'history':
      return ['history', 'global'];
  }
}

// Status tones to terminal colours (k9s palette: running green, pending
// yellow, failures red, terminating/completed grey).
import type { StatusTone } from './logic/pod-status.js';

export function toneColor(tone: StatusTone): string | undefined {
  switch (tone) {
    case 'ok':
      return 'green';
    case 'warn':
      return 'yellow';
    case 'error':
      return 'red';
    case 'gone':
      return 'gray';
    case 'done':
      return 'gray';
    default:
      return 'cyan';
  }
}

// Columns and helpers several renderers share.
import type { KubeObject } from '../../src/api/meta.js';
import { age, ageMs } from '../logic/age.js';
import type { Column } from './types.js';

export const NAME: Column = { name: 'NAME', priority: 0, sortBy: (o) => o.metadata.name ?? '' };
export const AGE: Column = {
  name: 'AGE',
  priority: 0,
  sortBy: (o, now) => ageMs(o.metadata.creationTimestamp, now),
};

export function name(obj: KubeObject): string {
  return obj.metadata.name ?? '';
}

export function ageOf(obj: KubeObject, now: number): string {
  return age(obj.metadata.creationTimestamp, now);
}

export function n(v: unknown): string {
  return typeof v === 'number' ? String(v) : '0';
}

export function none(v: string | undefined | null): string {
  return v ? v : '<none>';
}

export function ageColumn(title: string, time: (o: KubeObject) => string | undefined, priority = 0): Column {
  return { name: title, priority, sortBy: (o, now) => ageMs(time(o), now) };
}

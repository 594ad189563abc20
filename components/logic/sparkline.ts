// Values to block characters ▁▂▃▄▅▆▇█, scaled to the series' own maximum
// (or a given one, e.g. 100 for percentages).
export const BARS = '▁▂▃▄▅▆▇█';

export function sparkline(values: readonly number[], width = values.length, max?: number): string {
  const vs = values.slice(-width);
  if (!vs.length) return '';
  const top = max ?? Math.max(...vs);
  if (!(top > 0)) return BARS[0].repeat(vs.length);
  return vs.map((v) => BARS[Math.max(0, Math.min(7, Math.round((v / top) * 7)))]).join('');
}

// A small hand-written SVG chart for benchmark scaling curves: one panel per
// figure (each has its own unit, so one shared y-axis would flatten all but
// the largest), pod count on a log x-axis, y linear from 0. No dependency:
// the chart is a string of SVG elements. Used by bench/scale.bench.ts.

export interface Series {
  /** The curve's name in the legend. */
  name: string;
  /** One y per x (NaN or undefined: no point there). */
  values: (number | undefined)[];
  color: string;
}

export interface Panel {
  title: string;
  unit: string;
  series: Series[];
}

export interface ChartSpec {
  title: string;
  /** Shared x values (pod counts), ascending, > 0. */
  xs: number[];
  xLabel: string;
  panels: Panel[];
  /** Panels per row (default 2). */
  columns?: number;
  /** A line under the title (machine, date). */
  subtitle?: string;
}

const PANEL_W = 420;
const PANEL_H = 260;
const MARGIN = { left: 64, right: 16, top: 50, bottom: 46 };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** 1, 2, 5 × 10^k steps so an axis gets about `target` ticks. */
function niceStep(max: number, target = 5): number {
  const raw = max / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (raw <= m * mag) return m * mag;
  return 10 * mag;
}

function fmt(v: number): string {
  if (v >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(v < 1 ? 2 : v < 10 ? 1 : 0)}`;
}

function panelSvg(p: Panel, xs: number[], xLabel: string, ox: number, oy: number): string {
  const w = PANEL_W - MARGIN.left - MARGIN.right;
  const h = PANEL_H - MARGIN.top - MARGIN.bottom;
  const lx0 = Math.log10(xs[0]);
  const lx1 = Math.log10(xs[xs.length - 1]);
  // Pad the log range a little so the end points are not on the frame.
  const pad = (lx1 - lx0 || 1) * 0.06;
  const xAt = (x: number) => MARGIN.left + ((Math.log10(x) - (lx0 - pad)) / (lx1 - lx0 + 2 * pad)) * w;
  const finite = p.series.flatMap((s) => s.values).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const maxY = Math.max(...finite, 0) || 1;
  const step = niceStep(maxY);
  const top = Math.ceil(maxY / step) * step;
  const yAt = (y: number) => MARGIN.top + h - (y / top) * h;
  const out: string[] = [`<g transform="translate(${ox},${oy})">`];
  out.push(`<text x="${MARGIN.left}" y="22" class="pt">${esc(p.title)} <tspan class="u">(${esc(p.unit)})</tspan></text>`);
  for (let y = 0; y <= top + step / 2; y += step) {
    const py = yAt(y).toFixed(1);
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + w}" y1="${py}" y2="${py}" class="grid"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${py}" dy="4" text-anchor="end" class="tick">${fmt(y)}</text>`);
  }
  for (const x of xs) {
    const px = xAt(x).toFixed(1);
    out.push(`<line x1="${px}" x2="${px}" y1="${MARGIN.top}" y2="${MARGIN.top + h}" class="grid"/>`);
    out.push(`<text x="${px}" y="${MARGIN.top + h + 16}" text-anchor="middle" class="tick">${fmt(x)}</text>`);
  }
  out.push(`<text x="${MARGIN.left + w / 2}" y="${MARGIN.top + h + 36}" text-anchor="middle" class="ax">${esc(xLabel)} (log scale)</text>`);
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${w}" height="${h}" class="frame"/>`);
  p.series.forEach((s, i) => {
    const pts = xs
      .map((x, j) => [x, s.values[j]] as const)
      .filter((pt): pt is readonly [number, number] => typeof pt[1] === 'number' && Number.isFinite(pt[1]));
    if (pts.length > 1) {
      const d = pts.map(([x, y], j) => `${j ? 'L' : 'M'}${xAt(x).toFixed(1)},${yAt(y).toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    }
    for (const [x, y] of pts) {
      out.push(`<circle cx="${xAt(x).toFixed(1)}" cy="${yAt(y).toFixed(1)}" r="3.5" fill="${s.color}"><title>${esc(s.name)}: ${fmt(y)} ${esc(p.unit)} at ${fmt(x)}</title></circle>`);
      out.push(`<text x="${(xAt(x) + 5).toFixed(1)}" y="${(yAt(y) - 6).toFixed(1)}" class="val" fill="${s.color}">${fmt(y)}</text>`);
    }
    // Legend: one line under the panel title, clear of the data.
    const ly = 38;
    const lx = MARGIN.left + i * 150;
    out.push(`<line x1="${lx}" x2="${lx + 16}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`);
    out.push(`<text x="${lx + 20}" y="${ly}" class="lg">${esc(s.name)}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

/** The whole chart as an SVG document. */
export function renderChart(spec: ChartSpec): string {
  const cols = spec.columns ?? 2;
  const rows = Math.ceil(spec.panels.length / cols);
  const head = spec.subtitle ? 52 : 36;
  const width = cols * PANEL_W;
  const height = head + rows * PANEL_H;
  const panels = spec.panels.map((p, i) => panelSvg(p, spec.xs, spec.xLabel, (i % cols) * PANEL_W, head + Math.floor(i / cols) * PANEL_H));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">`,
    '<style>.t{font-size:16px;font-weight:600}.st{font-size:11px;fill:#555}.pt{font-size:13px;font-weight:600}.u{font-weight:400;fill:#555}' +
      '.tick{font-size:10px;fill:#555}.ax{font-size:11px;fill:#333}.lg{font-size:10px;fill:#333}.val{font-size:9px}' +
      '.grid{stroke:#e5e5e5;stroke-width:1}.frame{fill:none;stroke:#999;stroke-width:1}</style>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="16" y="24" class="t">${esc(spec.title)}</text>`,
    spec.subtitle ? `<text x="16" y="42" class="st">${esc(spec.subtitle)}</text>` : '',
    ...panels,
    '</svg>',
    '',
  ].join('\n');
}

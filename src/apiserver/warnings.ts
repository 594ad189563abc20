// Warning response headers (`Warning: 299 - "…"`), which kubectl prints as
// `Warning: …` on stderr. A request to a deprecated version of a custom kind
// carries the CRD version's deprecationWarning, or the apiextensions-apiserver's
// default: `example.com/v1beta1 Widget is deprecated; use example.com/v1 Widget`.
import type { ServerResponse } from 'node:http';
import type { KindInfo } from '../api/kinds.js';

/** Kubernetes' version priority: GA before beta before alpha, higher numbers first, other names last. */
function versionRank(v: string): [number, number, number] {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (!m) return [0, 0, 0];
  const stability = m[2] === 'alpha' ? 1 : m[2] === 'beta' ? 2 : 3;
  return [stability, Number(m[1]), Number(m[3] ?? 0)];
}

function byPriority(a: string, b: string): number {
  const ra = versionRank(a);
  const rb = versionRank(b);
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return rb[i] - ra[i];
  return a.localeCompare(b);
}

/** The deprecation warning of the custom kind's version `info` is seen in, if that version is deprecated. */
export function deprecationWarning(info: KindInfo): string | undefined {
  const version = info.custom?.versions.find((v) => v.name === info.version);
  if (!version?.deprecated) return undefined;
  if (version.deprecationWarning) return version.deprecationWarning;
  const msg = `${info.group}/${version.name} ${info.kind} is deprecated`;
  const preferred = info.custom!.versions.filter((v) => v.served && !v.deprecated).map((v) => v.name).sort(byPriority)[0];
  return preferred ? `${msg}; use ${info.group}/${preferred} ${info.kind}` : msg;
}

/** Adds `text` as a Warning header (code 299, as the Kubernetes API server sends them). */
export function addWarning(res: ServerResponse, text: string): void {
  if (res.headersSent) return;
  const value = `299 - "${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  const prev = res.getHeader('Warning');
  res.setHeader('Warning', prev === undefined ? value : [...(Array.isArray(prev) ? prev : [String(prev)]), value]);
}

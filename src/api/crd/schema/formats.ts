// The string formats kube-apiserver checks in custom resources: go-openapi's
// strfmt default registry (the formats listed as supported in apiextensions'
// validation/formats.go at compatibility version 1.31), each with the checker
// strfmt registers (mostly govalidator). Formats not in this list are stripped
// from the schema and never checked; `int32`/`int64`/`float`/`double` on numbers
// are kept but are not string formats.
import { tryParseQuantity } from '../../quantity.js';
import { goRegExp } from './regex.js';

type Checker = (s: string) => boolean;

const HOSTNAME = goRegExp(
  '^([a-zA-Z0-9\\p{S}\\p{L}]((-?[a-zA-Z0-9\\p{S}\\p{L}]{0,62})?)|([a-zA-Z0-9\\p{S}\\p{L}](([a-zA-Z0-9-\\p{S}\\p{L}]{0,61}[a-zA-Z0-9\\p{S}\\p{L}])?)(\\.)){1,}([a-zA-Z0-9\\p{S}\\p{L}])(-?[a-zA-Z0-9\\p{S}\\p{L}]){1,62})$',
) as RegExp;

function isHostname(s: string): boolean {
  if (!HOSTNAME.test(s)) return false;
  if (Buffer.byteLength(s) > 255) return false;
  return s.split('.').every((p) => Buffer.byteLength(p) <= 63);
}

/** net.ParseIP for dotted IPv4 */
function parseIPv4(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  return parts.every((p) => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255 && !(p.length > 1 && p[0] === '0'));
}

/** net.ParseIP for IPv6 (with optional embedded IPv4 tail) */
function parseIPv6(s: string): boolean {
  if (!s.includes(':')) return false;
  let rest = s;
  let groupsNeeded = 8;
  const lastColon = rest.lastIndexOf(':');
  const tail = rest.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!parseIPv4(tail)) return false;
    rest = rest.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = rest.split('::');
  if (dbl.length > 2) return false;
  const hex = (g: string) => /^[0-9a-fA-F]{1,4}$/.test(g);
  if (dbl.length === 2) {
    const left = dbl[0] === '' ? [] : dbl[0].split(':');
    const right = dbl[1] === '' ? [] : dbl[1].split(':');
    if (!left.every(hex) || !right.every(hex)) return false;
    return left.length + right.length < groupsNeeded;
  }
  const groups = rest.split(':');
  groupsNeeded = 8;
  return groups.length === groupsNeeded && groups.every(hex);
}

function isIP(s: string): boolean {
  return parseIPv4(s) || parseIPv6(s);
}

function isCIDR(s: string): boolean {
  const i = s.indexOf('/');
  if (i < 0) return false;
  const ip = s.slice(0, i);
  const bits = s.slice(i + 1);
  if (!/^[0-9]{1,3}$/.test(bits)) return false;
  if (parseIPv4(ip)) return Number(bits) <= 32;
  if (parseIPv6(ip)) return Number(bits) <= 128;
  return false;
}

/** net.ParseMAC: 6, 8 or 20 octets as xx:xx…, xx-xx… or xxxx.xxxx… */
function isMAC(s: string): boolean {
  const n = (k: number) => k === 6 || k === 8 || k === 20;
  if (s.length >= 14 && s[4] === '.') {
    const groups = s.split('.');
    return n(groups.length * 2) && groups.every((g) => /^[0-9a-fA-F]{4}$/.test(g));
  }
  for (const sep of [':', '-']) {
    const parts = s.split(sep);
    if (parts.length > 1 && n(parts.length) && parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) return true;
  }
  return false;
}

/** govalidator.IsRequestURI: url.ParseRequestURI accepts absolute URIs and absolute paths. */
function isRequestURI(s: string): boolean {
  if (s === '' || [...s].some((c) => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f)) return false;
  if (/%(?![0-9a-fA-F]{2})/.test(s)) return false;
  if (s.startsWith('/')) return true;
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s);
}

/** net/mail.ParseAddress, for the common `local@domain` and `Name <local@domain>` shapes. */
function isEmail(s: string): boolean {
  const m = /^(?:[^<>]*<([^<>]+)>|([^<>\s]+))$/.exec(s.trim());
  const addr = m ? (m[1] ?? m[2]) : undefined;
  if (!addr) return false;
  return /^(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*|"[^"\\]*")@(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[^\]]*\])$/.test(
    addr,
  );
}

function isBSONObjectID(s: string): boolean {
  return /^[0-9a-fA-F]{24}$/.test(s);
}

function isbn(s: string, version: 10 | 13): boolean {
  const sanitized = s.replace(/[\s-]+/g, '');
  if (version === 10) {
    if (!/^(?:[0-9]{9}X|[0-9]{10})$/.test(sanitized)) return false;
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += (i + 1) * Number(sanitized[i]);
    sum += sanitized[9] === 'X' ? 100 : 10 * Number(sanitized[9]);
    return sum % 11 === 0;
  }
  if (!/^(?:[0-9]{13})$/.test(sanitized)) return false;
  const factor = [1, 3];
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += factor[i % 2] * Number(sanitized[i]);
  return Number(sanitized[12]) - ((10 - (sum % 10)) % 10) === 0;
}

function isCreditCard(s: string): boolean {
  const sanitized = s.replace(/[^0-9]+/g, '');
  if (
    !/^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|(222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|27[01][0-9]|2720)[0-9]{12}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11}|6[27][0-9]{14})$/.test(
      sanitized,
    )
  )
    return false;
  let sum = 0;
  let shouldDouble = false;
  for (let i = sanitized.length - 1; i >= 0; i--) {
    let d = Number(sanitized[i]);
    if (shouldDouble) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    shouldDouble = !shouldDouble;
  }
  return sum % 10 === 0;
}

/** time.Parse("2006-01-02", s) */
function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = mo === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(mo) ? 30 : 31;
  return d <= days;
}

const DATE_TIME_TAIL = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/;

/** strfmt.IsDateTime */
function isDateTime(s: string): boolean {
  if (s.length < 4) return false;
  const parts = s.toLowerCase().split('t');
  if (parts.length < 2 || !isDate(parts[0])) return false;
  const m = DATE_TIME_TAIL.exec(parts[1]);
  if (!m) return false;
  return m[1] <= '23' && m[2] <= '59' && m[3] <= '59';
}

const GO_DURATION = /^[-+]?(?:0|(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;
const UNITS = [['ns', 'nano'], ['us', 'µs', 'micro'], ['ms', 'milli'], ['s', 'sec'], ['m', 'min'], ['h', 'hr', 'hour'], ['d', 'day'], ['w', 'wk', 'week']];

/** strfmt.ParseDuration: Go's time.ParseDuration, else "<n> <unit>" pairs (days and weeks too). */
export function isDuration(s: string): boolean {
  if (GO_DURATION.test(s)) return true;
  let ok = false;
  for (const m of s.matchAll(/((\d+)\s*([A-Za-zµ]+))/g)) {
    const unit = m[3].trim().toLowerCase();
    if (UNITS.some((v) => v.includes(unit))) ok = true;
  }
  return ok;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID3 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID4 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const UUID5 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const RGB = /^rgb\(\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*\)$/;

/** Keyed by the normalized name (go-openapi drops dashes: `date-time` → `datetime`). */
const CHECKERS: Record<string, Checker> = {
  bsonobjectid: isBSONObjectID,
  uri: isRequestURI,
  email: isEmail,
  hostname: isHostname,
  ipv4: (s) => isIP(s) && s.includes('.'),
  ipv6: (s) => isIP(s) && s.includes(':'),
  cidr: isCIDR,
  mac: isMAC,
  uuid: (s) => UUID.test(s),
  uuid3: (s) => UUID3.test(s),
  uuid4: (s) => UUID4.test(s),
  uuid5: (s) => UUID5.test(s),
  isbn: (s) => isbn(s, 10) || isbn(s, 13),
  isbn10: (s) => isbn(s, 10),
  isbn13: (s) => isbn(s, 13),
  creditcard: isCreditCard,
  ssn: (s) => s.length === 11 && /^\d{3}[- ]?\d{2}[- ]?\d{4}$/.test(s),
  hexcolor: (s) => /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(s),
  rgbcolor: (s) => RGB.test(s),
  byte: (s) => BASE64.test(s),
  password: () => true,
  date: isDate,
  duration: isDuration,
  datetime: isDateTime,
  quantity: (s) => tryParseQuantity(s) !== undefined,
};

export function normalizeFormat(name: string): string {
  return name.replace(/-/g, '');
}

/**
 * The format kube-apiserver keeps after StripUnsupportedFormatsPostProcess for a
 * schema node of the given (single) type, or '' when it is stripped.
 */
export function supportedFormat(format: string, type: string): string {
  if (!format) return '';
  switch (type) {
    case '':
    case 'string':
      return CHECKERS[normalizeFormat(format)] ? format : '';
    case 'integer':
      return format === 'int32' || format === 'int64' ? format : '';
    case 'number':
      return format === 'float' || format === 'double' ? format : '';
    default:
      return '';
  }
}

/** The registry's checker for a format name, if the registry knows the name. */
export function formatChecker(format: string): Checker | undefined {
  return CHECKERS[normalizeFormat(format)];
}

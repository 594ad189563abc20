// The UI's masked view of a Secret and log redaction: no value survives
// masking (data, stringData, or kubectl's last-applied copy), the original is
// untouched, reveal gives the decoded values, and redact() removes every form a
// value can take in text (clear, base64, one line of a multi-line value).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { maskSecret, redact, revealSecret, SECRET_MASK } from '../../src/util/secret-mask.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQDJ2xkz7Yq1+abc\n-----END PRIVATE KEY-----';

function secret(): KubeObject {
  const data = { password: b64('s3cr3t-pass'), 'tls.key': b64(PEM) };
  return Object.freeze({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'db',
      namespace: 'default',
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ apiVersion: 'v1', kind: 'Secret', data, stringData: { token: 'tok-123456' } }),
        note: 'kept',
      },
    },
    type: 'Opaque',
    data,
    stringData: { token: 'tok-123456' },
  }) as KubeObject;
}

describe('maskSecret', () => {
  it('masks every value, keeps keys and everything else, and leaves the original alone', () => {
    const s = secret();
    const m = maskSecret(s);
    expect(m.data).toEqual({ password: SECRET_MASK, 'tls.key': SECRET_MASK });
    expect(m.stringData).toEqual({ token: SECRET_MASK });
    const last = JSON.parse(m.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration']);
    expect(last.data).toEqual({ password: SECRET_MASK, 'tls.key': SECRET_MASK });
    expect(last.stringData).toEqual({ token: SECRET_MASK });
    expect(m.metadata.annotations!.note).toBe('kept');
    expect(m.type).toBe('Opaque');
    const text = JSON.stringify(m);
    for (const v of ['s3cr3t-pass', b64('s3cr3t-pass'), 'tok-123456', b64(PEM), 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC']) expect(text).not.toContain(v);
    expect((s.data as Record<string, string>).password).toBe(b64('s3cr3t-pass'));
  });

  it('hides an unparsable last-applied annotation whole, and leaves other kinds unmasked', () => {
    const s = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{broken "pw"' } }, data: {} } as KubeObject;
    expect(maskSecret(s).metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration']).toBe(SECRET_MASK);
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } } as KubeObject;
    expect(maskSecret(cm)).toEqual(cm);
  });

  it('reveal decodes data and passes stringData through', () => {
    expect(revealSecret(secret())).toEqual({ password: 's3cr3t-pass', 'tls.key': PEM, token: 'tok-123456' });
  });

  it('masks a key named __proto__ like any other (found by the property below)', () => {
    const data = JSON.parse('{"__proto__": "c2VjcmV0LXZhbHVlLTEyMw=="}') as Record<string, string>;
    const m = maskSecret({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'p' }, data } as KubeObject);
    expect(Object.keys(m.data as object)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(m.data, '__proto__')?.value).toBe(SECRET_MASK);
  });

  it('property: for any data map, no value is left in the masked copy', () => {
    let cases = 0;
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ minLength: 12, maxLength: 60 })), (values) => {
        cases++;
        const data = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, b64(v)]));
        const m = maskSecret({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'p' }, data } as KubeObject);
        for (const v of Object.values(m.data as Record<string, string>)) expect(v).toBe(SECRET_MASK);
        expect(Object.keys(m.data as object).sort()).toEqual(Object.keys(data).sort());
      }),
      { numRuns: 500 },
    );
    console.log(`fuzz: maskSecret: ${cases} cases`);
    expect(cases).toBe(500);
  });
});

describe('redact', () => {
  it('removes values in clear, in base64 and line by line, longest first', () => {
    const s = secret();
    const log = [
      'connecting with password s3cr3t-pass',
      `env PASSWORD_B64=${b64('s3cr3t-pass')}`,
      'loaded key line MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
      'token=tok-123456 ok',
      'nothing secret here',
    ].join('\n');
    const out = redact(log, [s]);
    expect(out).toBe(
      [
        `connecting with password ${SECRET_MASK}`,
        `env PASSWORD_B64=${SECRET_MASK}`,
        `loaded key line ${SECRET_MASK}`,
        `token=${SECRET_MASK} ok`,
        'nothing secret here',
      ].join('\n'),
    );
  });

  it('takes raw strings, ignores too-short values and non-Secrets, and is a no-op without secrets', () => {
    expect(redact('user=abc pass=hunter22', ['hunter22', 'abc'])).toBe(`user=abc pass=${SECRET_MASK}`);
    expect(redact('data a', [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'data a' } } as KubeObject])).toBe('data a');
    expect(redact('text', [])).toBe('text');
  });

  it('property: a value embedded anywhere in random text never survives', () => {
    let cases = 0;
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 8, maxLength: 40 }).filter((v) => v.trim().length >= 8), fc.string(), (pre, value, post) => {
        cases++;
        const out = redact(pre + value + post, [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { v: b64(value) } } as KubeObject]);
        expect(out.includes(value)).toBe(false);
      }),
      { numRuns: 1000 },
    );
    console.log(`fuzz: redact: ${cases} cases`);
    expect(cases).toBe(1000);
  });
});

// Secrets at rest: the state file (and its backup) never holds a Secret's
// values in clear, in base64 or decoded; a restart reads them back; the key
// file is created 0600 on first run; a missing, wrong or tampered key stops the
// start with an error naming the key file, and the state file is left as it was.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import type { KubeObject } from '../../src/api/meta.js';
import { EncryptionKeyError, keyFileFor, openStore, SCHEMA_VERSION } from '../../state/index.js';
import { AESGCM_PREFIX, readKeyFile, SecretCodec } from '../../state/encryption.js';

const PLAIN = 'hunter2-correct-horse-battery';
const PLAIN2 = 'token:9f8e7d6c5b4a-very-private';
const b64 = (s: string) => Buffer.from(s).toString('base64');

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeterm-enc-'));
  file = join(dir, 'state.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function secret(name = 'db'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'default', labels: { app: 'db' } },
    type: 'Opaque',
    data: { password: b64(PLAIN) },
    stringData: { apiToken: PLAIN2 },
  };
}

/** Every form a value could leak in: clear, base64, and base64 of the JSON-escaped form. */
function leaks(bytes: string): string[] {
  const forms = [PLAIN, PLAIN2, b64(PLAIN), b64(PLAIN2)];
  return forms.filter((f) => bytes.includes(f));
}

async function writeSecretWithApply(): Promise<void> {
  const s = await openStore({ file });
  const api = new Api({ store: s.store });
  // apply: also stores the kubectl last-applied-configuration annotation, which carries the values too
  await api.apply(secret());
  await s.close();
}

describe('Secrets encrypted at rest', () => {
  it('never writes a Secret value to the state file or its backup, and reads it back after a restart', async () => {
    await writeSecretWithApply();
    const text = readFileSync(file, 'utf8');
    expect(leaks(text)).toEqual([]);
    expect(text).not.toContain('password'); // even the key names are inside the ciphertext
    expect(text).toContain(`"encrypted":"${AESGCM_PREFIX}`);
    const doc = JSON.parse(text);
    const stored = doc.objects.find((o: KubeObject) => o.kind === 'Secret');
    expect(Object.keys(stored).sort()).toEqual(['apiVersion', 'encrypted', 'kind', 'metadata']);
    expect(stored.metadata).toEqual({ name: 'db', namespace: 'default' });

    const again = await openStore({ file });
    try {
      const s = again.store.get('Secret', 'default', 'db')! as KubeObject & { data: Record<string, string> };
      expect(Buffer.from(s.data.password, 'base64').toString()).toBe(PLAIN);
      expect(Buffer.from(s.data.apiToken, 'base64').toString()).toBe(PLAIN2);
      expect(s.metadata.labels).toEqual({ app: 'db' });
      expect(s.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain(PLAIN2);
      // a later write of another object keeps the Secret encrypted (and re-encrypts nothing in clear)
      await again.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { k: 'v' } });
    } finally {
      await again.close();
    }
    expect(leaks(readFileSync(file, 'utf8'))).toEqual([]);
    expect(existsSync(`${file}.bak`)).toBe(true);
    expect(leaks(readFileSync(`${file}.bak`, 'utf8'))).toEqual([]);
  });

  it('creates the key file on first run: 32 random bytes, base64, mode 0600', async () => {
    const s = await openStore({ file });
    await s.close();
    const keyFile = keyFileFor(file);
    expect(keyFile).toBe(join(dir, 'encryption-key'));
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readKeyFile(keyFile)!.length).toBe(32);
    // a second run reuses it
    const before = readFileSync(keyFile, 'utf8');
    await (await openStore({ file })).close();
    expect(readFileSync(keyFile, 'utf8')).toBe(before);
  });

  it('two writes of the same Secret use fresh nonces (no ciphertext reuse)', () => {
    const codec = new SecretCodec({ keyFile: join(dir, 'k') });
    const a = codec.encode(secret()) as { encrypted: string };
    const b = codec.encode(secret()) as { encrypted: string };
    expect(a.encrypted).not.toBe(b.encrypted);
    expect(codec.decode(a)).toEqual(secret());
    // objects of other kinds pass through untouched
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } };
    expect(codec.encode(cm)).toBe(cm);
  });

  it('a tampered ciphertext stops the start with an error naming the key file; nothing is overwritten', async () => {
    await writeSecretWithApply();
    const text = readFileSync(file, 'utf8');
    const at = text.indexOf(AESGCM_PREFIX) + AESGCM_PREFIX.length + 20;
    const flipped = text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    writeFileSync(file, flipped);
    const err = await openStore({ file }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EncryptionKeyError);
    expect((err as EncryptionKeyError).reason).toBe('tampered');
    expect((err as Error).message).toContain(keyFileFor(file));
    expect((err as Error).message).toContain('Secret default/db');
    expect(readFileSync(file, 'utf8')).toBe(flipped);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('a ciphertext moved to another Secret name does not decrypt (bound to its storage path)', async () => {
    await writeSecretWithApply();
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    const s = doc.objects.find((o: KubeObject) => o.kind === 'Secret');
    s.metadata.name = 'stolen';
    writeFileSync(file, JSON.stringify(doc));
    await expect(openStore({ file })).rejects.toMatchObject({ name: 'EncryptionKeyError', reason: 'tampered' });
  });

  it('a missing key file is an error naming it, never an empty start, and no new key is made', async () => {
    await writeSecretWithApply();
    const keyFile = keyFileFor(file);
    rmSync(keyFile);
    const before = readFileSync(file);
    const err = (await openStore({ file }).catch((e: unknown) => e)) as EncryptionKeyError;
    expect(err).toBeInstanceOf(EncryptionKeyError);
    expect(err.reason).toBe('missing');
    expect(err.message).toContain(`the key file ${keyFile} is missing`);
    expect(existsSync(keyFile)).toBe(false);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('a different key file is told apart from tampering', async () => {
    await writeSecretWithApply();
    writeFileSync(keyFileFor(file), randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
    const err = (await openStore({ file }).catch((e: unknown) => e)) as EncryptionKeyError;
    expect(err.reason).toBe('wrong-key');
    expect(err.message).toContain(keyFileFor(file));
    const garbage = 'not a key';
    writeFileSync(keyFileFor(file), garbage);
    await expect(openStore({ file })).rejects.toThrow(/does not hold a 32-byte AES-256 key/);
  });

  it('migrates a state file from before encryption: plain Secrets load, and are rewritten encrypted (backup too)', async () => {
    const plainSecret = { ...secret(), stringData: undefined, metadata: { name: 'old', namespace: 'default', uid: 'u1', resourceVersion: '3' } };
    delete (plainSecret as Partial<KubeObject>).stringData;
    const doc = { schemaVersion: SCHEMA_VERSION, resourceVersion: '3', writtenAt: '', objects: [plainSecret] };
    writeFileSync(file, JSON.stringify(doc), { mode: 0o600 });
    writeFileSync(`${file}.bak`, JSON.stringify(doc), { mode: 0o600 });
    expect(leaks(readFileSync(file, 'utf8')).length).toBeGreaterThan(0);
    const s = await openStore({ file });
    try {
      expect(Buffer.from((s.store.get('Secret', 'default', 'old')!.data as Record<string, string>).password, 'base64').toString()).toBe(PLAIN);
    } finally {
      await s.close();
    }
    expect(leaks(readFileSync(file, 'utf8'))).toEqual([]);
    expect(leaks(readFileSync(`${file}.bak`, 'utf8'))).toEqual([]);
    const again = await openStore({ file });
    expect(again.store.get('Secret', 'default', 'old')!.metadata.uid).toBe('u1');
    await again.close();
  });
});

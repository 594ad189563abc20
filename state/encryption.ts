// Secrets encrypted at rest. Modelled on Kubernetes' EncryptionConfiguration
// `aesgcm` provider: each Secret is stored as AES-256-GCM ciphertext behind the
// prefix `k8s:enc:aesgcm:v1:<key name>:`, with a fresh 12-byte random nonce per
// write and the object's storage path (`/registry/secrets/<ns>/<name>`) as
// additional authenticated data, so a ciphertext cannot be moved to another
// Secret unnoticed. The whole object is encrypted — not just `data` — because
// the `kubectl.kubernetes.io/last-applied-configuration` annotation carries the
// values too; only apiVersion, kind, name and namespace stay readable so the
// state file still says what it holds.
//
// The key is 32 random bytes kept base64-encoded in a key file beside the
// state file (`<state dir>/encryption-key`, mode 0600), created on first run.
// The key name in the prefix is a short fingerprint of the key, so a wrong key
// file is told apart from altered ciphertext. Without the right key the engine
// refuses to start; it never starts empty over a cluster it cannot read.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KubeObject } from '../src/api/meta.js';
import type { ObjectCodec } from './file-format.js';

export const ENCRYPTION_KEY_FILE = 'encryption-key';
export const AESGCM_PREFIX = 'k8s:enc:aesgcm:v1:';
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** The key file for a state file: `encryption-key` in the same folder. */
export function keyFileFor(stateFile: string): string {
  return join(dirname(stateFile), ENCRYPTION_KEY_FILE);
}

/** A key that is missing, unreadable, or not the one the state file was written with. The message names the key file. */
export class EncryptionKeyError extends Error {
  constructor(
    message: string,
    readonly keyFile: string,
    readonly reason: 'missing' | 'invalid' | 'wrong-key' | 'tampered',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EncryptionKeyError';
  }
}

/** How a Secret looks in the state file. */
export interface EncryptedSecret {
  apiVersion: string;
  kind: 'Secret';
  metadata: { name: string; namespace?: string };
  /** `k8s:enc:aesgcm:v1:<key name>:` + base64(nonce ‖ ciphertext ‖ tag). */
  encrypted: string;
}

/** Is this stored value an encrypted Secret (as opposed to a plain object)? */
export function isEncryptedSecret(v: unknown): v is EncryptedSecret {
  return !!v && typeof v === 'object' && typeof (v as EncryptedSecret).encrypted === 'string' && (v as EncryptedSecret).kind === 'Secret';
}

/** `kt` + the first 8 hex digits of SHA-256(key): names the key without revealing it. */
export function keyName(key: Buffer): string {
  return `kt${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
}

function storagePath(ns: string | undefined, name: string): string {
  return `/registry/secrets/${ns ?? ''}/${name}`;
}

export interface SecretCodecOptions {
  /** The key file (see keyFileFor). */
  keyFile: string;
  /** The state file, named in errors. */
  stateFile?: string;
}

/**
 * The ObjectCodec openStore installs by default. The key is read (or created)
 * on first need, synchronously, because the codec runs inside serialisation.
 */
export class SecretCodec implements ObjectCodec {
  readonly keyFile: string;
  private readonly stateFile: string;
  private key?: Buffer;
  private name?: string;
  /** Plain (unencrypted) Secrets met while decoding: a file from before encryption, to be rewritten. */
  plaintextSecrets = 0;
  /** Encrypted Secrets decoded. */
  decrypted = 0;

  constructor(opts: SecretCodecOptions) {
    this.keyFile = opts.keyFile;
    this.stateFile = opts.stateFile ?? 'the state file';
  }

  encode(obj: KubeObject): unknown {
    if (obj.kind !== 'Secret') return obj;
    const { key, name } = this.ensureKey();
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from(storagePath(obj.metadata.namespace, obj.metadata.name ?? '')));
    const body = Buffer.concat([cipher.update(JSON.stringify(obj), 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([nonce, body, cipher.getAuthTag()]);
    const meta: EncryptedSecret['metadata'] = { name: obj.metadata.name ?? '' };
    if (obj.metadata.namespace !== undefined) meta.namespace = obj.metadata.namespace;
    const out: EncryptedSecret = { apiVersion: obj.apiVersion, kind: 'Secret', metadata: meta, encrypted: `${AESGCM_PREFIX}${name}:${sealed.toString('base64')}` };
    return out;
  }

  decode(stored: unknown): KubeObject {
    if (!isEncryptedSecret(stored)) {
      if (stored && typeof stored === 'object' && (stored as KubeObject).kind === 'Secret') this.plaintextSecrets++;
      return stored as KubeObject;
    }
    const ref = `Secret ${stored.metadata?.namespace ?? ''}/${stored.metadata?.name ?? ''}`;
    const value = stored.encrypted;
    if (!value.startsWith(AESGCM_PREFIX)) {
      throw new EncryptionKeyError(`${ref} in ${this.stateFile} uses an unknown encryption provider (${value.split(':').slice(0, 4).join(':')}); this kubeterm reads ${AESGCM_PREFIX}`, this.keyFile, 'invalid');
    }
    const rest = value.slice(AESGCM_PREFIX.length);
    const colon = rest.indexOf(':');
    const storedName = colon > 0 ? rest.slice(0, colon) : '';
    const { key, name } = this.loadKey(ref);
    if (storedName !== name) {
      throw new EncryptionKeyError(
        `${ref} in ${this.stateFile} was encrypted with key "${storedName}", but the key file ${this.keyFile} holds key "${name}": ` +
          `put back the key file that was beside the state file when it was written (kubeterm will not start without it), or use --state to choose another file`,
        this.keyFile,
        'wrong-key',
      );
    }
    const sealed = Buffer.from(rest.slice(colon + 1), 'base64');
    if (sealed.length < NONCE_BYTES + TAG_BYTES) throw this.tampered(ref, 'the ciphertext is too short');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_BYTES));
      decipher.setAAD(Buffer.from(storagePath(stored.metadata?.namespace, stored.metadata?.name ?? '')));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
      const obj = JSON.parse(plain.toString('utf8')) as KubeObject;
      this.decrypted++;
      return obj;
    } catch (e) {
      throw this.tampered(ref, (e as Error).message, e);
    }
  }

  /** The key, created (0600, exclusively) when there is none yet. Only safe once the state file has loaded. */
  ensureKey(): { key: Buffer; name: string } {
    if (this.key) return { key: this.key, name: this.name! };
    const existing = readKeyFile(this.keyFile);
    if (existing) return this.remember(existing);
    const fresh = randomBytes(KEY_BYTES);
    let fd: number;
    try {
      fd = openSync(this.keyFile, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return this.remember(readKeyFile(this.keyFile)!);
      throw new EncryptionKeyError(`cannot create the encryption key file ${this.keyFile}: ${(e as Error).message}`, this.keyFile, 'invalid', { cause: e });
    }
    try {
      writeSync(fd, fresh.toString('base64') + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return this.remember(fresh);
  }

  private loadKey(ref: string): { key: Buffer; name: string } {
    if (this.key) return { key: this.key, name: this.name! };
    const k = readKeyFile(this.keyFile);
    if (!k) {
      throw new EncryptionKeyError(
        `${ref} in ${this.stateFile} is encrypted, but the key file ${this.keyFile} is missing: ` +
          `put back the key file that was beside the state file (kubeterm will not start without it), or use --state to choose another file`,
        this.keyFile,
        'missing',
      );
    }
    return this.remember(k);
  }

  private remember(key: Buffer): { key: Buffer; name: string } {
    this.key = key;
    this.name = keyName(key);
    return { key, name: this.name };
  }

  private tampered(ref: string, why: string, cause?: unknown): EncryptionKeyError {
    return new EncryptionKeyError(
      `${ref} in ${this.stateFile} cannot be decrypted with the key in ${this.keyFile} (${why}): the stored ciphertext was altered or damaged. ` +
        `Restore the state file from its backup (${this.stateFile}.bak), or use --state to choose another file`,
      this.keyFile,
      'tampered',
      { cause },
    );
  }
}

/** Reads a key file: base64 text of 32 bytes (as written here), or 32 raw bytes. Undefined when absent. */
export function readKeyFile(file: string): Buffer | undefined {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EncryptionKeyError(`cannot read the encryption key file ${file}: ${(e as Error).message}`, file, 'invalid', { cause: e });
  }
  if (raw.length === KEY_BYTES) return raw;
  const text = raw.toString('utf8').trim();
  const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : undefined;
  if (decoded?.length === KEY_BYTES) return decoded;
  throw new EncryptionKeyError(
    `the encryption key file ${file} does not hold a 32-byte AES-256 key (expected base64 of 32 random bytes, e.g. from \`head -c 32 /dev/urandom | base64\`)`,
    file,
    'invalid',
  );
}

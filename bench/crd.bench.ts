// Custom resources at scale, with the state file on (a real group-committed
// state file in a temp dir, as the engine runs): one CRD shaped like
// cert-manager's Certificate (≈45 schema fields, nested arrays of objects,
// a map, enums, formats, six CEL x-kubernetes-validations rules, printer
// columns), and 10,000 of its objects spread over 10 namespaces. Measures
//   - create rate over HTTPS (the real API server, TLS, bearer token):
//     one client sequentially, then 64 concurrent clients; objects/s and the
//     ack latency (request sent → 201 received, i.e. durable) p50/p99,
//   - `kubectl get certificates -A` (real kubectl, server-side table with the
//     CRD's printer columns) wall time p50/p99 over a few runs, rows counted,
//   - watch delivery to N HTTP watchers of the kind (all namespaces) while
//     more objects are written: p50/p99 from the write to each watcher,
//   - schema validation per object (µs, p50/p99) of the realistic schema with
//     its CEL rules: `compileSchema(schema).validate` directly (create and
//     update with transition rules; and without the one `matches()` rule, to
//     show what a regex in CEL costs), and the whole Api door via
//     `api.create(obj, {dryRun: true})`; plus the compile-once cost.
// Prints figures; asserts nothing about time (counts are checked, so a broken
// run is not reported as a fast one). BENCH_SCALE shrinks the sizes:
//   BENCH_SCALE=0.1 node --import tsx bench/crd.bench.ts
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Api } from '../src/api/api.js';
import { compileSchema } from '../src/api/crd/schema/index.js';
import type { KubeObject } from '../src/api/meta.js';
import { ApiServer, ensureServingCert, ensureToken, writeKubeconfig } from '../src/apiserver/index.js';
import { newCrdController } from '../src/controllers/crd.js';
import { startControllers } from '../src/controllers/index.js';
import { realClock } from '../src/util/clock.js';
import { openStore } from '../state/index.js';
import { counter, httpCall, onEachLine } from './bench-helpers.js';
import { isMain, percentile, scaled } from './stats.js';

const SCALE = Math.min(1, Number(process.env.BENCH_SCALE ?? '1') || 1);
const OBJECTS = scaled(10_000);
/** The first fifth is created by one client, one at a time; the rest by 64 clients at once. */
const SEQUENTIAL = Math.max(1, Math.round(OBJECTS / 5));
const CLIENTS = 64;
const NAMESPACES = 10;
const KUBECTL_RUNS = 5;
const WATCHERS = Math.max(2, Math.round(50 * SCALE));
const WATCH_WRITES = scaled(1000);
const VALIDATIONS = scaled(20_000);
const DRY_RUNS = scaled(5_000);
const COMPILES = 20;

const KUBECTL = '/usr/bin/kubectl';
const GROUP = 'cert-manager.bench.io';
const PLURAL = 'certificates';
const run$ = promisify(execFile);
const r2 = (x: number) => Number(x.toFixed(2));
const us = (ms: number) => Number((ms * 1000).toFixed(1));

// ---- the CRD: a cert-manager Certificate, as large as the real one's spec ----

const str = (extra: Record<string, unknown> = {}) => ({ type: 'string', ...extra });
const strList = (maxItems = 100, maxLength = 253) => ({ type: 'array', maxItems, items: { type: 'string', maxLength } });
const secretKeyRef = { type: 'object', required: ['name'], properties: { name: str({ maxLength: 253 }), key: str({ maxLength: 253 }) } };

export const certificateSchema: Record<string, unknown> = {
  type: 'object',
  properties: {
    apiVersion: str(),
    kind: str(),
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['secretName', 'issuerRef'],
      'x-kubernetes-validations': [
        {
          rule: "has(self.commonName) || (has(self.dnsNames) && size(self.dnsNames) > 0) || (has(self.ipAddresses) && size(self.ipAddresses) > 0) || (has(self.uris) && size(self.uris) > 0) || (has(self.emailAddresses) && size(self.emailAddresses) > 0)",
          message: 'at least one of commonName, dnsNames, uris, ipAddresses, or emailAddresses must be set',
        },
        { rule: '!has(self.renewBefore) || !has(self.renewBeforePercentage)', message: 'renewBefore and renewBeforePercentage are mutually exclusive' },
      ],
      properties: {
        secretName: str({ maxLength: 253, 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'secretName is immutable' }] }),
        commonName: str({ maxLength: 64 }),
        dnsNames: { ...strList(), 'x-kubernetes-validations': [{ rule: "self.all(n, !n.startsWith('.'))", message: 'a DNS name must not start with a dot' }] },
        ipAddresses: strList(100, 45),
        uris: strList(),
        emailAddresses: strList(),
        duration: str({ default: '2160h' }),
        renewBefore: str(),
        renewBeforePercentage: { type: 'integer', minimum: 1, maximum: 99 },
        revisionHistoryLimit: { type: 'integer', format: 'int32', minimum: 1 },
        isCA: { type: 'boolean' },
        encodeUsagesInRequest: { type: 'boolean' },
        usages: {
          type: 'array',
          maxItems: 32,
          items: { type: 'string', enum: ['signing', 'digital signature', 'content commitment', 'key encipherment', 'key agreement', 'data encipherment', 'cert sign', 'crl sign', 'encipher only', 'decipher only', 'any', 'server auth', 'client auth', 'code signing', 'email protection', 's/mime', 'ipsec end system', 'ipsec tunnel', 'ipsec user', 'timestamping', 'ocsp signing', 'microsoft sgc', 'netscape sgc'] },
        },
        issuerRef: { type: 'object', required: ['name'], properties: { name: str({ maxLength: 253 }), kind: str({ maxLength: 63 }), group: str({ maxLength: 253 }) } },
        privateKey: {
          type: 'object',
          'x-kubernetes-validations': [{ rule: "!has(self.size) || !has(self.algorithm) || self.algorithm != 'Ed25519'", message: 'size must not be set for Ed25519 keys' }],
          properties: {
            algorithm: str({ enum: ['RSA', 'ECDSA', 'Ed25519'] }),
            encoding: str({ enum: ['PKCS1', 'PKCS8'] }),
            rotationPolicy: str({ enum: ['Never', 'Always'] }),
            size: { type: 'integer', minimum: 0, maximum: 8192 },
          },
        },
        subject: {
          type: 'object',
          properties: {
            organizations: strList(16, 64),
            countries: strList(16, 2),
            organizationalUnits: strList(16, 64),
            localities: strList(16, 128),
            provinces: strList(16, 128),
            streetAddresses: strList(16, 128),
            postalCodes: strList(16, 40),
            serialNumber: str({ maxLength: 64 }),
          },
        },
        literalSubject: str({ maxLength: 1024 }),
        keystores: {
          type: 'object',
          properties: {
            jks: { type: 'object', required: ['create'], properties: { create: { type: 'boolean' }, alias: str(), passwordSecretRef: secretKeyRef } },
            pkcs12: { type: 'object', required: ['create'], properties: { create: { type: 'boolean' }, profile: str({ enum: ['LegacyRC2', 'LegacyDES', 'Modern2023'] }), passwordSecretRef: secretKeyRef } },
          },
        },
        secretTemplate: {
          type: 'object',
          properties: {
            annotations: { type: 'object', maxProperties: 64, additionalProperties: str({ maxLength: 4096 }) },
            labels: { type: 'object', maxProperties: 64, additionalProperties: str({ maxLength: 63 }) },
          },
        },
        additionalOutputFormats: {
          type: 'array',
          maxItems: 2,
          items: { type: 'object', required: ['type'], properties: { type: str({ enum: ['DER', 'CombinedPEM'] }) } },
        },
        otherNames: {
          type: 'array',
          maxItems: 16,
          items: {
            type: 'object',
            required: ['oid'],
            'x-kubernetes-validations': [{ rule: "self.oid.matches('^[0-2](\\\\.(0|[1-9][0-9]*))+$')", message: 'oid must be a dotted OID' }],
            properties: { oid: str({ maxLength: 128 }), utf8Value: str({ maxLength: 256 }) },
          },
        },
        nameConstraints: {
          type: 'object',
          properties: {
            critical: { type: 'boolean' },
            permitted: { type: 'object', properties: { dnsDomains: strList(32), ipRanges: strList(32, 49), emailAddresses: strList(32), uriDomains: strList(32) } },
            excluded: { type: 'object', properties: { dnsDomains: strList(32), ipRanges: strList(32, 49), emailAddresses: strList(32), uriDomains: strList(32) } },
          },
        },
      },
    },
    status: {
      type: 'object',
      properties: {
        conditions: {
          type: 'array',
          maxItems: 16,
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['type'],
          items: {
            type: 'object',
            required: ['type', 'status'],
            properties: {
              type: str(),
              status: str({ enum: ['True', 'False', 'Unknown'] }),
              reason: str(),
              message: str(),
              lastTransitionTime: str({ format: 'date-time' }),
              observedGeneration: { type: 'integer', format: 'int64' },
            },
          },
        },
        notBefore: str({ format: 'date-time' }),
        notAfter: str({ format: 'date-time' }),
        renewalTime: str({ format: 'date-time' }),
        revision: { type: 'integer' },
        nextPrivateKeySecretName: str(),
        failedIssuanceAttempts: { type: 'integer' },
        lastFailureTime: str({ format: 'date-time' }),
      },
    },
  },
};

export function certificateCrd(): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${PLURAL}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: { plural: PLURAL, singular: 'certificate', kind: 'Certificate', listKind: 'CertificateList', shortNames: ['cert', 'certs'], categories: ['cert-manager'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
            { name: 'Secret', type: 'string', jsonPath: '.spec.secretName' },
            { name: 'Issuer', type: 'string', jsonPath: '.spec.issuerRef.name', priority: 1 },
            { name: 'Duration', type: 'string', jsonPath: '.spec.duration' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: { openAPIV3Schema: certificateSchema },
        },
      ],
    },
  };
}

/** A Certificate the size of a real one: SANs, subject, key, keystores, secret template, other names. */
export function certificateObject(name: string, namespace: string, i = 0): KubeObject {
  return {
    apiVersion: `${GROUP}/v1`,
    kind: 'Certificate',
    metadata: { name, namespace, labels: { app: `app-${i % 20}`, 'app.kubernetes.io/managed-by': 'bench' } },
    spec: {
      secretName: `${name}-tls`,
      commonName: `${name}.example.com`,
      dnsNames: [`${name}.example.com`, `www.${name}.example.com`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`],
      ipAddresses: ['10.0.0.1'],
      renewBefore: '360h',
      revisionHistoryLimit: 3,
      usages: ['server auth', 'client auth', 'digital signature', 'key encipherment'],
      issuerRef: { name: 'letsencrypt-prod', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      privateKey: { algorithm: 'ECDSA', encoding: 'PKCS8', rotationPolicy: 'Always', size: 256 },
      subject: { organizations: ['Example Inc.'], countries: ['NL'], organizationalUnits: ['Platform'], localities: ['Amsterdam'] },
      keystores: { pkcs12: { create: true, profile: 'Modern2023', passwordSecretRef: { name: `${name}-pkcs12`, key: 'password' } } },
      secretTemplate: { annotations: { 'reflector.v1.k8s.emberstack.com/reflection-allowed': 'true' }, labels: { team: `team-${i % 7}` } },
      additionalOutputFormats: [{ type: 'CombinedPEM' }],
      otherNames: [{ oid: '1.3.6.1.4.1.311.20.2.3', utf8Value: `${name}@example.com` }],
    },
  };
}

/** Bytes of every file in a folder (the state file, its journal, backup and key). */
function dirBytes(d: string): number {
  return readdirSync(d).reduce((n, f) => n + statSync(join(d, f)).size, 0);
}

// ---- HTTPS client ----

interface Http {
  (method: string, path: string, body?: string): Promise<{ status: number; text: string }>;
  agent: Agent;
}

function httpClient(url: string, token: string, ca: string, maxSockets: number): Http {
  const agent = new Agent({ keepAlive: true, maxSockets, ca });
  const call = (method: string, path: string, body?: string) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return httpCall(agent, url + path, method, headers, body);
  };
  return Object.assign(call, { agent });
}

// ---- the scenarios ----

async function measureValidation(api: Api, out: Record<string, number | string>): Promise<void> {
  // Compile: fresh copies, so no cache keyed by the schema object can answer.
  const compileMs: number[] = [];
  for (let i = 0; i < COMPILES; i++) {
    const copy = structuredClone(certificateSchema);
    const t = performance.now();
    compileSchema(copy);
    compileMs.push(performance.now() - t);
  }
  out.schemaCompileFirstMs = r2(compileMs[0]);
  out.schemaCompileP50Ms = r2(percentile(compileMs.slice(1), 50));

  const schema = compileSchema(certificateSchema);
  const objs = Array.from({ length: Math.min(VALIDATIONS, 2000) }, (_, i) => {
    const o = certificateObject(`v-${i}`, 'default', i) as unknown as Record<string, unknown>;
    schema.applyDefaults(o);
    return o;
  });
  const bad = schema.validate(objs[0], undefined);
  if (bad.length) throw new Error(`the realistic Certificate does not validate against its own schema: ${JSON.stringify(bad)}`);
  const create: number[] = [];
  const update: number[] = [];
  // Warm up the JIT on a few hundred, then measure each call.
  for (let i = 0; i < 300; i++) schema.validate(objs[i % objs.length], undefined);
  for (let i = 0; i < VALIDATIONS; i++) {
    const o = objs[i % objs.length];
    const t = performance.now();
    schema.validate(o, undefined);
    create.push(performance.now() - t);
  }
  for (let i = 0; i < VALIDATIONS; i++) {
    const o = objs[i % objs.length];
    const t = performance.now();
    schema.validate(o, o); // an update: transition rules (oldSelf) run too
    update.push(performance.now() - t);
  }
  out.validations = VALIDATIONS;
  out.validateCreateMeanUs = us(create.reduce((a, b) => a + b, 0) / create.length);
  out.validateCreateP50Us = us(percentile(create, 50));
  out.validateCreateP99Us = us(percentile(create, 99));
  out.validateUpdateP50Us = us(percentile(update, 50));
  out.validateUpdateP99Us = us(percentile(update, 99));

  // The same schema without its one regex rule (`self.oid.matches(...)`): what CEL's matches() costs per object.
  const noRegex = structuredClone(certificateSchema) as { properties: { spec: { properties: { otherNames: { items: Record<string, unknown> } } } } };
  delete noRegex.properties.spec.properties.otherNames.items['x-kubernetes-validations'];
  const plain = compileSchema(noRegex as unknown as Record<string, unknown>);
  for (let i = 0; i < 300; i++) plain.validate(objs[i % objs.length], undefined);
  const plainLat: number[] = [];
  for (let i = 0; i < VALIDATIONS; i++) {
    const o = objs[i % objs.length];
    const t = performance.now();
    plain.validate(o, undefined);
    plainLat.push(performance.now() - t);
  }
  out.validateNoRegexRuleMeanUs = us(plainLat.reduce((a, b) => a + b, 0) / plainLat.length);
  out.validateNoRegexRuleP50Us = us(percentile(plainLat, 50));
  out.validateNoRegexRuleP99Us = us(percentile(plainLat, 99));

  // The whole door: copy, prune, default, metadata + schema + CEL validation, no store write.
  const dry: number[] = [];
  for (let i = 0; i < 200; i++) await api.create(certificateObject(`warm-${i}`, 'ns-0', i), { dryRun: true });
  for (let i = 0; i < DRY_RUNS; i++) {
    const o = certificateObject(`dry-${i}`, `ns-${i % NAMESPACES}`, i);
    const t = performance.now();
    await api.create(o, { dryRun: true });
    dry.push(performance.now() - t);
  }
  out.dryRuns = DRY_RUNS;
  out.apiCreateDryRunP50Us = us(percentile(dry, 50));
  out.apiCreateDryRunP99Us = us(percentile(dry, 99));
}

export async function run(): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeterm-bench-crd-'));
  const stateFile = join(dir, 'state', 'state.json');
  const opened = await openStore({ file: stateFile, warn: () => {} });
  const api = new Api({ store: opened.store });
  const mgr = startControllers({ api, clock: realClock, factories: [newCrdController] });
  const out: Record<string, number | string> = { objects: OBJECTS, sequential: SEQUENTIAL, concurrent: OBJECTS - SEQUENTIAL, clients: CLIENTS, stateFile: 'on' };
  let server: ApiServer | undefined;
  let http: Http | undefined;
  const watchReqs: { destroy(): void }[] = [];
  try {
    for (const ns of ['default', 'kube-system', ...Array.from({ length: NAMESPACES }, (_, i) => `ns-${i}`)]) {
      await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as KubeObject);
    }
    await api.create(certificateCrd());
    await mgr.whenIdle();
    for (let i = 0; i < 200 && !api.kinds.get('Certificate'); i++) {
      await new Promise((r) => setTimeout(r, 10));
      await mgr.whenIdle();
    }
    if (!api.kinds.get('Certificate')) throw new Error('the Certificate CRD was not Established');

    await measureValidation(api, out);

    const token = await ensureToken(dir);
    const cert = await ensureServingCert(dir);
    server = new ApiServer({ api, host: '127.0.0.1', port: 0, token, tls: { cert: cert.cert, key: cert.key }, watchTimeoutMs: 10 * 60_000 });
    const { url } = await server.start();
    const kubeconfig = join(dir, 'config');
    await writeKubeconfig(kubeconfig, { server: url, token, caData: cert.cert });
    http = httpClient(url, token, cert.cert, CLIENTS + WATCHERS + 8);
    const post = async (i: number, prefix: string) => {
      const ns = `ns-${i % NAMESPACES}`;
      const body = JSON.stringify(certificateObject(`${prefix}-${String(i).padStart(5, '0')}`, ns, i));
      const t = performance.now();
      const r = await http!('POST', `/apis/${GROUP}/v1/namespaces/${ns}/${PLURAL}`, body);
      if (r.status !== 201) throw new Error(`create failed: ${r.status} ${r.text.slice(0, 300)}`);
      return performance.now() - t;
    };

    // ---- create rate: one client, then 64 ----
    const seqAck: number[] = [];
    let t0 = performance.now();
    for (let i = 0; i < SEQUENTIAL; i++) seqAck.push(await post(i, 'cert'));
    let secs = (performance.now() - t0) / 1000;
    out.createSequentialPerSec = Math.round(SEQUENTIAL / secs);
    out.createSequentialAckP50Ms = r2(percentile(seqAck, 50));
    out.createSequentialAckP99Ms = r2(percentile(seqAck, 99));

    const conAck: number[] = [];
    let next = SEQUENTIAL;
    const client = async () => {
      while (next < OBJECTS) conAck.push(await post(next++, 'cert'));
    };
    t0 = performance.now();
    await Promise.all(Array.from({ length: CLIENTS }, client));
    secs = (performance.now() - t0) / 1000;
    out.createConcurrentPerSec = Math.round((OBJECTS - SEQUENTIAL) / secs);
    out.createConcurrentAckP50Ms = r2(percentile(conAck, 50));
    out.createConcurrentAckP99Ms = r2(percentile(conAck, 99));
    const stored = api.list('Certificate').items.length;
    if (stored !== OBJECTS) throw new Error(`expected ${OBJECTS} Certificates stored, found ${stored}`);
    const persisted = opened.persistence.stats();
    out.stateWrites = persisted.writes;
    out.stateCommits = persisted.commits;
    out.stateWrittenMiB = Number((persisted.bytesWritten / 2 ** 20).toFixed(1));
    out.stateOnDiskMiB = Number((dirBytes(join(dir, 'state')) / 2 ** 20).toFixed(1));

    // ---- kubectl get certificates -A ----
    if (existsSync(KUBECTL)) {
      const lat: number[] = [];
      let rows = 0;
      let header = '';
      for (let r = 0; r < KUBECTL_RUNS; r++) {
        const t = performance.now();
        const { stdout } = await run$(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'get', PLURAL, '-A'], {
          env: { PATH: process.env.PATH, HOME: dir },
          maxBuffer: 256 * 1024 * 1024,
        });
        lat.push(performance.now() - t);
        const lines = stdout.trim().split('\n');
        header = lines[0] ?? '';
        rows = lines.length - 1;
      }
      out.kubectlGetRows = rows;
      out.kubectlGetColumns = header.split(/\s{2,}/).join(',');
      out.kubectlGetP50Ms = r2(percentile(lat, 50));
      out.kubectlGetP99Ms = r2(percentile(lat, 99));
    } else {
      out.kubectlGet = `skipped: ${KUBECTL} absent`;
    }

    // ---- watch delivery to N watchers while writing ----
    const sentAt = new Map<string, number>();
    const delivery: number[] = [];
    const delivered = counter(WATCHERS * WATCH_WRITES);
    const watching = counter(WATCHERS);
    const startRv = opened.store.resourceVersion();
    for (let w = 0; w < WATCHERS; w++) {
      const req = request(`${url}/apis/${GROUP}/v1/${PLURAL}?watch=true&resourceVersion=${startRv}`, { agent: http.agent, headers: { Authorization: `Bearer ${token}` } }, (res) => {
        watching.add();
        onEachLine(res, (line) => {
          const name = /"name":"(watch-\d+)"/.exec(line)?.[1];
          const t = name ? sentAt.get(name) : undefined;
          if (t === undefined) return;
          delivery.push(performance.now() - t);
          delivered.add();
        });
      });
      req.end();
      watchReqs.push(req);
    }
    await watching.reached;
    t0 = performance.now();
    // Writers over HTTP, 8 at a time: the latency runs from the request leaving the writer to each watcher's line.
    let w = 0;
    const writer = async () => {
      while (w < WATCH_WRITES) {
        const i = w++;
        const name = `watch-${String(i).padStart(5, '0')}`;
        const ns = `ns-${i % NAMESPACES}`;
        const body = JSON.stringify(certificateObject(name, ns, i));
        sentAt.set(name, performance.now());
        const r = await http!('POST', `/apis/${GROUP}/v1/namespaces/${ns}/${PLURAL}`, body);
        if (r.status !== 201) throw new Error(`create failed: ${r.status} ${r.text.slice(0, 300)}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, writer));
    await Promise.race([delivered.reached, new Promise((r) => setTimeout(r, 120_000))]);
    secs = (performance.now() - t0) / 1000;
    out.watchers = WATCHERS;
    out.watchWrites = WATCH_WRITES;
    out.watchEventsDelivered = delivered.count;
    out.watchEventsPerSec = Math.round(delivered.count / secs);
    out.watchDeliveryP50Ms = r2(percentile(delivery, 50));
    out.watchDeliveryP99Ms = r2(percentile(delivery, 99));
  } finally {
    for (const r of watchReqs) r.destroy();
    http?.agent.destroy();
    await server?.stop();
    await mgr.stop();
    await opened.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

if (isMain(import.meta.url)) {
  const figures = await run();
  console.log(JSON.stringify(figures, null, 2));
  // Keep-alive sockets or a stray timer must not keep a finished bench alive.
  process.exit(0);
}

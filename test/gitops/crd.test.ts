// The folder sync with CustomResourceDefinitions and custom resources, end to
// end: real files, the real chokidar watcher, the embedded engine (its CRD
// controller establishes what the folder applies) on the simulated runtime.
// No sleeps: every wait polls the sync's status or the cluster with a timeout.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { ClusterClient } from '../../src/client/types.js';
import { healthOf } from '../../src/gitops/health.js';
import { FolderSync, type FolderSyncConfig } from '../../src/gitops/sync.js';
import { cm, override, POLL_MS, tempFolder } from './helpers.js';
import { cleanupAfterEach, startSimEngine } from './sync-fixture.js';
import { until } from '../helpers/wait.js';

const cleanups = cleanupAfterEach({ ignoreErrors: true });
const newEngine = () => startSimEngine(cleanups);

async function setup(files: Record<string, string> = {}, cfg: Partial<FolderSyncConfig> = {}, wrap?: (c: ClusterClient) => ClusterClient) {
  const folder = await tempFolder('kubeterm-gitops-crd-');
  for (const [rel, text] of Object.entries(files)) await folder.write(rel, text);
  const { engine, client } = await newEngine();
  const sync = new FolderSync({ client: wrap ? wrap(client) : client, folder: folder.dir, debounceMs: 15, stabilityMs: 60, syncName: 'crd', establishTimeoutMs: 5000, ...cfg });
  cleanups.push(async () => {
    await sync.stop();
    await folder.cleanup();
  });
  await sync.start();
  return { folder, engine, api: engine.api, client, sync };
}

/** A Certificate-like CRD: namespaced, status subresource, printer columns, a short name. */
const certificateCrd = (opts: { group?: string; plural?: string; kind?: string; shortNames?: string[]; scope?: string } = {}): string => {
  const group = opts.group ?? 'cert.example.com';
  const plural = opts.plural ?? 'certificates';
  const kind = opts.kind ?? 'Certificate';
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.${group}
spec:
  group: ${group}
  scope: ${opts.scope ?? 'Namespaced'}
  names:
    plural: ${plural}
    singular: ${kind.toLowerCase()}
    kind: ${kind}
    shortNames: [${(opts.shortNames ?? ['cert']).join(', ')}]
  versions:
    - name: v1
      served: true
      storage: true
      subresources:
        status: {}
      additionalPrinterColumns:
        - name: Ready
          type: string
          jsonPath: .status.conditions[?(@.type=="Ready")].status
        - name: Secret
          type: string
          jsonPath: .spec.secretName
        - name: Age
          type: date
          jsonPath: .metadata.creationTimestamp
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [secretName, dnsNames]
              properties:
                secretName: {type: string}
                dnsNames:
                  type: array
                  items: {type: string}
            status:
              type: object
              properties:
                observedGeneration: {type: integer}
                conditions:
                  type: array
                  items:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
`;
};

const certificate = (name: string, opts: { group?: string; kind?: string; ns?: string } = {}): string => `apiVersion: ${opts.group ?? 'cert.example.com'}/v1
kind: ${opts.kind ?? 'Certificate'}
metadata:
  name: ${name}
${opts.ns ? `  namespace: ${opts.ns}\n` : ''}spec:
  secretName: ${name}-tls
  dnsNames: [${name}.example.com]
`;

const docs = (...d: string[]) => d.join('---\n');

describe('FolderSync: a CRD and its custom resources', () => {
  it('applies a CRD and two custom resources from one file in one sync, CRD first', async () => {
    const order: string[] = [];
    const { api, sync } = await setup(
      { 'certs.yaml': docs(certificate('web'), certificateCrd(), certificate('api')) },
      {},
      (c) =>
        override(c, {
          async apply(obj: KubeObject, opts?: { fieldManager?: string; dryRun?: boolean }) {
            order.push(`${obj.kind}/${obj.metadata.name}`);
            return c.apply(obj, opts);
          },
        }),
    );
    // start() resolves after the first pass: everything is there, applied once each, CRD first.
    expect(order[0]).toBe('CustomResourceDefinition/certificates.cert.example.com');
    expect([...order].sort()).toEqual(['Certificate/api', 'Certificate/web', 'CustomResourceDefinition/certificates.cert.example.com']);
    expect(api.get('Certificate', 'default', 'web')?.spec).toMatchObject({ secretName: 'web-tls' });
    expect(api.get('Certificate', 'default', 'api')).toBeDefined();
    const st = sync.status();
    expect(st.syncs).toBe(1);
    expect(st.errors).toEqual([]);
    expect(st.phase).toBe('Synced');
    expect(st.counts).toMatchObject({ applied: 3, failed: 0 });
    const objects = st.files[0].objects.map((o) => [o.kind, o.namespace, o.name, o.state, o.health.status]);
    expect(objects).toEqual([
      ['Certificate', 'default', 'api', 'Synced', 'Healthy'],
      ['Certificate', 'default', 'web', 'Synced', 'Healthy'],
      ['CustomResourceDefinition', '', 'certificates.cert.example.com', 'Synced', 'Healthy'],
    ]);
    // A controller writing status: health follows kstatus, through the live watch on the custom kind.
    const web = api.get('Certificate', 'default', 'web')!;
    await api.updateStatus({ ...web, status: { observedGeneration: web.metadata.generation, conditions: [{ type: 'Ready', status: 'False', reason: 'Issuing', message: 'issuing a certificate' }] } });
    await until(
      'Certificate web Progressing while not Ready',
      () => sync.status().files[0].objects.find((o) => o.name === 'web')?.health.status === 'Progressing',
      5000,
      POLL_MS,
    );
    // Editing a custom resource re-applies it (no establish wait for a served CRD).
    order.length = 0;
    await sync.syncNow();
    expect(order).toHaveLength(3);
    expect(sync.status().errors).toEqual([]);
  });

  it('reports a custom resource without its CRD per file, in kubectl words, and applies the files beside it', async () => {
    const { api, folder, sync } = await setup({
      'widget.yaml': docs(cm('in-same-file'), 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n'),
      'config.yaml': cm('beside'),
    });
    expect(api.get('ConfigMap', 'default', 'beside')).toBeDefined();
    expect(api.get('ConfigMap', 'default', 'in-same-file')).toBeDefined();
    const st = sync.status();
    expect(st.phase).toBe('Failed');
    expect(st.errors).toEqual([
      {
        file: 'widget.yaml',
        doc: 2,
        line: 8,
        object: 'Widget/w',
        message: 'no matches for kind "Widget" in version "example.com/v1"; ensure CRDs are installed first',
      },
    ]);
    expect(st.files.find((f) => f.file === 'config.yaml')?.state).toBe('Synced');
    expect(st.files.find((f) => f.file === 'widget.yaml')?.state).toBe('Failed');

    // The CRD arriving (here in another file) makes the custom resource valid: it applies, the error goes.
    await folder.write('crd.yaml', certificateCrd({ group: 'example.com', plural: 'widgets', kind: 'Widget', shortNames: [] }).replace(/\n *required: \[secretName, dnsNames\]/, ''));
    await until('Widget w applied once its CRD is in the folder', () => api.get('Widget', 'default', 'w'), 10_000, POLL_MS).catch((e) => {
      throw new Error(`${e.message}\n${JSON.stringify(sync.status(), null, 1)}`);
    });
    await until('phase Synced', () => sync.status().phase === 'Synced', 5000, POLL_MS);
  });

  it('applies a custom resource whose CRD someone else installs later, without a file change', async () => {
    const { client, api, sync } = await setup({ 'w.yaml': certificate('late') });
    expect(sync.status().errors[0]?.message).toBe('no matches for kind "Certificate" in version "cert.example.com/v1"; ensure CRDs are installed first');
    const { parse } = await import('yaml');
    await client.apply(parse(certificateCrd()), { fieldManager: 'kubectl' });
    await until('Certificate applied after its CRD was established', () => api.get('Certificate', 'default', 'late'), 10_000, POLL_MS);
    await until('phase Synced', () => sync.status().phase === 'Synced', 5000, POLL_MS);
  });

  it('prunes the custom resources before their CRD when the files go, and leaves no custom resource behind', async () => {
    const deletes: string[] = [];
    const { api, engine, folder, sync } = await setup(
      { 'crd.yaml': certificateCrd(), 'certs/a.yaml': docs(certificate('a'), certificate('b', { ns: 'kube-public' })) },
      {},
      (c) =>
        override(c, {
          async delete(kind: string, namespace: string, name: string, opts?: any) {
            deletes.push(`${kind}/${name}`);
            return c.delete(kind, namespace, name, opts);
          },
        }),
    );
    expect(sync.status().errors).toEqual([]);
    expect(api.get('Certificate', 'kube-public', 'b')).toBeDefined();
    await Promise.all([folder.remove('crd.yaml'), folder.remove('certs')]);
    await until('CRD gone', () => !api.get('CustomResourceDefinition', '', 'certificates.cert.example.com'), 10_000, POLL_MS);
    expect(deletes).toEqual(['Certificate/a', 'Certificate/b', 'CustomResourceDefinition/certificates.cert.example.com']);
    expect(engine.store.list('Certificate').items).toEqual([]);
    expect(engine.api.kinds.get('Certificate')).toBeUndefined();
    await until('every file Pruned', () => sync.status().files.every((f) => f.state === 'Pruned'), 5000, POLL_MS);
    const inv = api.get('ConfigMap', 'kube-system', 'kubeterm-sync-crd')!;
    expect(JSON.parse((inv.data as Record<string, string>)['inventory.json'])).toEqual([]);
  });

  it('prunes a custom resource removed from the folder while its CRD stays', async () => {
    const { api, folder } = await setup({ 'crd.yaml': certificateCrd(), 'a.yaml': certificate('a'), 'b.yaml': certificate('b') });
    await folder.remove('a.yaml');
    await until('Certificate a pruned', () => !api.get('Certificate', 'default', 'a'), 5000, POLL_MS);
    expect(api.get('Certificate', 'default', 'b')).toBeDefined();
  });

  it('removing only the CRD file prunes the CRD, whose cleanup takes its resources; their file then reports the missing CRD', async () => {
    const { api, engine, folder, sync } = await setup({ 'crd.yaml': certificateCrd(), 'certs.yaml': certificate('kept') });
    expect(api.get('Certificate', 'default', 'kept')).toBeDefined();
    await folder.remove('crd.yaml');
    await until('CRD pruned', () => !api.get('CustomResourceDefinition', '', 'certificates.cert.example.com'), 10_000, POLL_MS);
    expect(engine.store.list('Certificate').items).toEqual([]);
    const err = await until('error on certs.yaml', () => sync.status().errors.find((e) => e.file === 'certs.yaml'), 5000, POLL_MS);
    expect(err).toMatchObject({ object: 'Certificate/kept', message: 'no matches for kind "Certificate" in version "cert.example.com/v1"; ensure CRDs are installed first' });
    // Putting the CRD back brings the resource back.
    await folder.write('crd.yaml', certificateCrd());
    await until('Certificate re-created', () => api.get('Certificate', 'default', 'kept'), 10_000, POLL_MS);
    await until('phase Synced', () => sync.status().phase === 'Synced', 5000, POLL_MS);
  });

  it('--dry-run plans a CRD and its custom resources without creating anything', async () => {
    const { api, sync } = await setup({ 'certs.yaml': docs(certificateCrd(), certificate('x')) }, { dryRun: true });
    const st = sync.status();
    expect(st.errors).toEqual([]);
    expect(st.plan?.create.map((c) => `${c.kind}/${c.name}`).sort()).toEqual(['Certificate/x', 'CustomResourceDefinition/certificates.cert.example.com']);
    expect(api.get('CustomResourceDefinition', '', 'certificates.cert.example.com')).toBeUndefined();
  });
});

describe('FolderSync: bad CRDs', () => {
  it('reports a CRD whose plural another CRD of its group already holds, and fails its custom resources clearly', async () => {
    const { folder, api, sync } = await setup({ 'widgets.yaml': certificateCrd({ group: 'example.com', plural: 'widgets', kind: 'Widget', shortNames: ['wd', 'gadgets'] }) });
    expect(sync.status().errors).toEqual([]);
    await folder.write('gadgets.yaml', docs(certificateCrd({ group: 'example.com', plural: 'gadgets', kind: 'Gadget', shortNames: [] }), certificate('g', { group: 'example.com', kind: 'Gadget' })));
    const errs = await until('two errors in gadgets.yaml', () => {
      const e = sync.status().errors.filter((x) => x.file === 'gadgets.yaml');
      return e.length === 2 ? e : undefined;
    }, 10_000, POLL_MS);
    const conflict = 'CustomResourceDefinition "gadgets.example.com" is not Established: NamesAccepted is False (PluralConflict): "gadgets" is already in use';
    expect(errs.find((e) => e.object === 'CustomResourceDefinition/gadgets.example.com')?.message).toBe(conflict);
    expect(errs.find((e) => e.object === 'Gadget/g')).toMatchObject({ doc: 2, message: `Gadget "g" in namespace "default" not applied: its ${conflict}` });
    const crdRow = sync.status().files.find((f) => f.file === 'gadgets.yaml')!.objects.find((o) => o.kind === 'CustomResourceDefinition')!;
    expect(crdRow).toMatchObject({ state: 'Failed' });
    await until('CRD Degraded', () => sync.status().files.find((f) => f.file === 'gadgets.yaml')!.objects.find((o) => o.kind === 'CustomResourceDefinition')!.health.status === 'Degraded', 5000, POLL_MS);
    expect(api.kinds.get('Gadget')).toBeUndefined();
    // The first CRD is unaffected.
    expect(sync.status().files.find((f) => f.file === 'widgets.yaml')?.state).toBe('Synced');
  });

  it('reports a CRD that takes a built-in short name', async () => {
    const { sync } = await setup({ 'pods.yaml': certificateCrd({ group: 'example.com', plural: 'pods', kind: 'PodSet', shortNames: [] }) });
    // plural "pods" belongs to the built-in Pod in every group
    const err = sync.status().errors.find((e) => e.object === 'CustomResourceDefinition/pods.example.com');
    expect(err?.message).toBe('CustomResourceDefinition "pods.example.com" is not Established: NamesAccepted is False (PluralConflict): "pods" is already in use');
  });

  it('reports a CRD short name equal to a built-in one', async () => {
    const { sync } = await setup({ 'c.yaml': certificateCrd({ shortNames: ['deploy'] }) });
    expect(sync.status().errors.map((e) => e.message)).toEqual([
      'CustomResourceDefinition "certificates.cert.example.com" is not Established: NamesAccepted is False (ShortNamesConflict): "deploy" is already in use',
    ]);
  });

  it('gives a malformed CRD the API error with file, field and line, and its custom resources a clear error, not a hang', async () => {
    const t0 = Date.now();
    const { sync, api } = await setup({ 'bad.yaml': docs(certificateCrd({ scope: 'Galaxy' }), certificate('c')), 'ok.yaml': cm('fine') });
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(api.get('ConfigMap', 'default', 'fine')).toBeDefined();
    const errs = sync.status().errors.filter((e) => e.file === 'bad.yaml');
    const crdErr = errs.find((e) => e.object === 'CustomResourceDefinition/certificates.cert.example.com')!;
    expect(crdErr).toMatchObject({ field: 'spec.scope', line: 7 });
    expect(crdErr.message).toMatch(/^Unsupported value: "Galaxy": supported values: "Cluster", "Namespaced"/);
    const crErr = errs.find((e) => e.object === 'Certificate/c')!;
    expect(crErr.message).toMatch(
      /^Certificate "c" in namespace "default" not applied: its CustomResourceDefinition "certificates\.cert\.example\.com" \(bad\.yaml\) failed to apply: spec\.scope: Unsupported value: "Galaxy"/,
    );
  });
});

describe('healthOf for CRDs and custom resources (kstatus)', () => {
  const cr = (status: unknown, generation = 2): KubeObject => ({ apiVersion: 'cert.example.com/v1', kind: 'Certificate', metadata: { name: 'c', generation }, ...(status === undefined ? {} : { status }) }) as KubeObject;
  const cond = (type: string, status: string, reason?: string, message?: string) => ({ type, status, ...(reason ? { reason } : {}), ...(message ? { message } : {}) });

  it('custom resources: no status is Current; generation, Reconciling, Stalled, Ready and Available as kstatus reads them', () => {
    expect(healthOf(cr(undefined))).toEqual({ status: 'Healthy' });
    expect(healthOf(cr({ observedGeneration: 1 }))).toEqual({ status: 'Progressing', message: 'Certificate generation is 2, but latest observed generation is 1' });
    expect(healthOf(cr({ observedGeneration: 2 })).status).toBe('Healthy');
    expect(healthOf(cr({ conditions: [cond('Reconciling', 'True', 'Issuing', 'waiting for the CA')] }))).toEqual({ status: 'Progressing', message: 'Issuing: waiting for the CA' });
    expect(healthOf(cr({ conditions: [cond('Stalled', 'True', 'BadConfig', 'issuer not found')] }))).toEqual({ status: 'Degraded', message: 'BadConfig: issuer not found' });
    expect(healthOf(cr({ observedGeneration: 2, conditions: [cond('Ready', 'False', 'Pending')] }))).toEqual({ status: 'Progressing', message: 'Ready is False: Pending' });
    expect(healthOf(cr({ observedGeneration: 2, conditions: [cond('Ready', 'True')] })).status).toBe('Healthy');
    expect(healthOf(cr({ conditions: [cond('Available', 'False')] })).status).toBe('Progressing');
    expect(healthOf({ ...cr(undefined), metadata: { name: 'c', deletionTimestamp: '2024-01-01T00:00:00Z' } }).status).toBe('Progressing');
  });

  it('CRDs: Healthy once Established, Degraded when names are refused, Progressing meanwhile', () => {
    const crd = (conditions: unknown[]): KubeObject => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'x.y' }, status: { conditions } }) as KubeObject;
    expect(healthOf(crd([cond('NamesAccepted', 'True'), cond('Established', 'True')])).status).toBe('Healthy');
    expect(healthOf(crd([cond('NamesAccepted', 'False', 'PluralConflict', '"x" is already in use')]))).toEqual({ status: 'Degraded', message: 'PluralConflict: "x" is already in use' });
    expect(healthOf(crd([])).status).toBe('Progressing');
    expect(healthOf(crd([cond('Established', 'False', 'Installing')])).status).toBe('Progressing');
  });
});

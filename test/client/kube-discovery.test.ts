// Attach mode sees every resource the server serves, live: KubeClient builds
// its kinds from discovery (core and groups, preferred version first, short
// names, categories, scope, subresources), adds what each CRD says of its kind
// (versions, printer columns), follows CRDs with a watch so a new kind shows
// (and a deleted one goes) without reconnecting, and keeps working when the
// user may not list CRDs.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../components/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { KubeClient } from '../../src/client/kube.js';
import { kindsFromResourceLists, withCustomKinds } from '../../src/client/kube-discovery.js';
import { useLiveClient, waitFor, type LiveCluster } from './kube-harness.js';

function crd(plural: string, kind: string, o: { shortNames?: string[]; scope?: string; columns?: unknown[] } = {}): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.example.com` },
    spec: {
      group: 'example.com',
      scope: o.scope ?? 'Namespaced',
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List`, shortNames: o.shortNames ?? [] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          subresources: { status: {} },
          additionalPrinterColumns: o.columns ?? [],
        },
      ],
    },
  };
}

describe('kinds from discovery documents (pure)', () => {
  it('takes the preferred version first, others as alsoServed, subresources from plural/sub, skips unlistable and foreign-group entries', () => {
    const kinds = kindsFromResourceLists([
      {
        group: '',
        version: 'v1',
        resources: [
          { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['list', 'watch'], shortNames: ['po'], categories: ['all'] },
          { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
          { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create'] },
          { name: 'bindings', singularName: 'binding', namespaced: true, kind: 'Binding', verbs: ['create'] },
        ],
      },
      { group: 'autoscaling', version: 'v2', resources: [{ name: 'horizontalpodautoscalers', singularName: '', namespaced: true, kind: 'HorizontalPodAutoscaler', verbs: ['list'], shortNames: ['hpa'] }] },
      { group: 'autoscaling', version: 'v1', resources: [{ name: 'horizontalpodautoscalers', namespaced: true, kind: 'HorizontalPodAutoscaler', verbs: ['list'] }] },
      { group: 'extensions', version: 'v1beta1', resources: [{ name: 'ingresses', namespaced: true, kind: 'Ingress', group: 'networking.k8s.io', version: 'v1', verbs: ['list'] }] },
    ]);
    expect(kinds.map((k) => `${k.group}/${k.version} ${k.plural} ${k.kind}`)).toEqual(['/v1 pods Pod', 'autoscaling/v2 horizontalpodautoscalers HorizontalPodAutoscaler']);
    expect(kinds[0]).toMatchObject({ singular: 'pod', shortNames: ['po'], categories: ['all'], namespaced: true, subresources: ['log', 'exec'], applyOrder: 35 });
    expect(kinds[1]).toMatchObject({ singular: 'horizontalpodautoscaler', alsoServed: ['v1'], shortNames: ['hpa'] });
  });

  it('marks the kinds CRDs define as custom, with their versions and printer columns', () => {
    const [widget] = withCustomKinds(
      kindsFromResourceLists([{ group: 'example.com', version: 'v1', resources: [{ name: 'widgets', singularName: 'widget', namespaced: true, kind: 'Widget', verbs: ['list'] }] }]),
      [crd('widgets', 'Widget', { columns: [{ name: 'Color', type: 'string', jsonPath: '.spec.color', priority: 1 }] })],
    );
    expect(widget.listKind).toBe('WidgetList');
    expect(widget.custom).toMatchObject({ crd: 'widgets.example.com', versions: [{ name: 'v1', served: true, storage: true, printerColumns: [{ name: 'Color', type: 'string', jsonPath: '.spec.color', priority: 1 }] }] });
  });
});

describe('KubeClient.resources() against kubeterm’s API server', () => {
  let live: LiveCluster;
  let client: KubeClient;
  useLiveClient((t) => ({ live, client } = t), 30_000);

  it('serves the built-in kinds with kubectl’s names', () => {
    const byPlural = new Map(client.resources().map((k) => [k.plural, k]));
    expect(byPlural.get('deployments')).toMatchObject({ kind: 'Deployment', group: 'apps', version: 'v1', shortNames: ['deploy'], namespaced: true, categories: ['all'] });
    expect(byPlural.get('deployments')?.subresources).toEqual(expect.arrayContaining(['status', 'scale']));
    expect(byPlural.get('customresourcedefinitions')).toMatchObject({ kind: 'CustomResourceDefinition', namespaced: false, shortNames: expect.arrayContaining(['crd']) });
    expect(byPlural.get('pods')?.custom).toBeUndefined();
    expect(client.crdWatchError).toBeUndefined();
  });

  it('sees a new CRD’s kind (with printer columns) without reconnecting, reaches it by every name, and sees it go', async () => {
    let changes = 0;
    const sub = client.onResourcesChanged(() => changes++);
    await live.engine.api.create(crd('gizmos', 'Gizmo', { shortNames: ['gz'], columns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }] }));
    const gizmo = await waitFor(() => client.resources().find((k) => k.kind === 'Gizmo'), 'the Gizmo kind in resources()');
    expect(changes).toBeGreaterThan(0);
    expect(gizmo).toMatchObject({ group: 'example.com', version: 'v1', plural: 'gizmos', singular: 'gizmo', shortNames: ['gz'], namespaced: true, listKind: 'GizmoList' });
    expect(gizmo.custom?.versions[0].printerColumns).toEqual([{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }]);

    await client.create({ apiVersion: 'example.com/v1', kind: 'Gizmo', metadata: { name: 'g1', namespace: 'default' }, spec: { size: 3 } } as KubeObject);
    for (const name of ['gizmos', 'gizmo', 'gz', 'Gizmo', 'gizmos.example.com']) {
      const { items } = await client.list(name, { namespace: 'default' });
      expect(items.map((o) => `${o.kind}/${o.metadata.name}`), name).toEqual(['Gizmo/g1']);
    }

    await client.delete('gz', 'default', 'g1');
    await client.delete('crd', '', 'gizmos.example.com');
    await waitFor(() => !client.resources().some((k) => k.kind === 'Gizmo'), 'the Gizmo kind to go', 15_000);
    sub.stop();
  }, 30_000);

  it('the UI attached to the server reaches a kind whose CRD was created after it started, with its printer columns', async () => {
    const inst = render(createElement(App, { client, version: 'v0.1.0', size: { columns: 140, rows: 30 }, frameMs: 10 }));
    try {
      const frame = () => inst.lastFrame() ?? '';
      await waitFor(() => /Pods\(all\)/.test(frame()), 'the pods view');
      await live.engine.api.create(crd('doohickeys', 'Doohickey', { shortNames: ['dh'], columns: [{ name: 'Shade', type: 'string', jsonPath: '.spec.shade' }] }));
      await waitFor(() => client.resources().some((k) => k.kind === 'Doohickey'), 'the Doohickey kind in resources()');
      await client.create({ apiVersion: 'example.com/v1', kind: 'Doohickey', metadata: { name: 'd1', namespace: 'default' }, spec: { shade: 'teal' } } as KubeObject);
      for (const key of [':', 'd', 'h', '\r']) {
        inst.stdin.write(key);
        await new Promise((r) => setTimeout(r, 20));
      }
      await waitFor(() => /Doohickeys\(all\)\[1\]/.test(frame()) && /default\s+d1\s+teal\s/.test(frame()), 'the Doohickey row with its SHADE column');
      expect(frame()).toMatch(/NAMESPACE\s+NAME\s+SHADE\s+AGE/);
    } finally {
      inst.unmount();
    }
  }, 30_000);
});

describe('KubeClient when CRDs may not be listed', () => {
  let server: Server;
  let dir: string;
  beforeAll(async () => {
    const json = (res: ServerResponse, code: number, body: unknown) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const p = url.pathname;
      if (p === '/version') json(res, 200, { gitVersion: 'v1.31.0' });
      else if (p === '/api') json(res, 200, { versions: ['v1'] });
      else if (p === '/apis') {
        const g = (name: string, version: string) => ({ name, versions: [{ groupVersion: `${name}/${version}`, version }], preferredVersion: { groupVersion: `${name}/${version}`, version } });
        json(res, 200, { groups: [g('apiextensions.k8s.io', 'v1'), g('example.com', 'v1'), g('broken.example.com', 'v1')] });
      } else if (p === '/api/v1') json(res, 200, { resources: [{ name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['list'], shortNames: ['po'] }] });
      else if (p === '/apis/apiextensions.k8s.io/v1') json(res, 200, { resources: [{ name: 'customresourcedefinitions', singularName: 'customresourcedefinition', namespaced: false, kind: 'CustomResourceDefinition', verbs: ['list', 'watch'], shortNames: ['crd', 'crds'] }] });
      else if (p === '/apis/example.com/v1') json(res, 200, { resources: [{ name: 'widgets', singularName: 'widget', namespaced: true, kind: 'Widget', verbs: ['list'], shortNames: ['wd'] }] });
      else if (p === '/apis/broken.example.com/v1') json(res, 503, { kind: 'Status', code: 503, reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request' });
      else if (p === '/apis/apiextensions.k8s.io/v1/customresourcedefinitions') {
        json(res, 403, { kind: 'Status', code: 403, reason: 'Forbidden', message: 'customresourcedefinitions.apiextensions.k8s.io is forbidden: User "dev" cannot list resource' });
      } else if (p === '/apis/example.com/v1/namespaces/default/widgets') json(res, 200, { metadata: { resourceVersion: '5' }, items: [{ metadata: { name: 'w1', namespace: 'default' } }] });
      else json(res, 404, { kind: 'Status', code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    dir = await mkdtemp(join(tmpdir(), 'kubeterm-disc-'));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('still attaches: every served kind is known (custom ones without printer columns), a broken group is left out', async () => {
    const port = (server.address() as AddressInfo).port;
    const cfg = join(dir, 'config');
    await writeFile(
      cfg,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: ctx\n  context: {cluster: c, user: u}\ncurrent-context: ctx\n`,
    );
    const client = await KubeClient.fromKubeconfig(cfg);
    try {
      expect(client.resources().map((k) => k.plural)).toEqual(['pods', 'customresourcedefinitions', 'widgets']);
      expect(client.resources().find((k) => k.kind === 'Widget')?.custom).toBeUndefined();
      expect(client.crdWatchError).toContain('forbidden');
      const { items } = await client.list('wd', { namespace: 'default' });
      expect(items.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)).toEqual(['example.com/v1 Widget w1']);
    } finally {
      await client.close();
    }
  });
});

// `kubectl explain` against the embedded engine's OpenAPI: the real kubectl
// (the 1.32 dispatcher, and the oldest and newest kubectl beside it) walks
// the v3 documents the server builds from its KindRegistry, for built-ins
// and for a custom kind that comes and goes. Client-side and server-side
// `kubectl apply` still work with the schemas in place (client-side apply
// falls back to kubectl's compiled-in patch metadata; see src/apiserver/openapi.ts).
import { execFile } from 'node:child_process';
import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KindInfo } from '../../src/api/kinds.js';
import { deploymentText } from '../helpers/manifests.js';
import { KUBECTL, kubectlAvailable } from '../apiserver/harness.js';
import { useKubectlEngine, type KubectlEngine } from './kubectl-engine-harness.js';

const HAVE_KUBECTL = kubectlAvailable();
const VERSIONED = HAVE_KUBECTL ? dirname(realpathSync(KUBECTL)) : '';
const kubectlAt = (minor: number) => join(VERSIONED, `kubectl.1.${minor}`);
const BINARIES: [string, string][] = [
  ['1.32 (dispatcher)', KUBECTL],
  ['1.27', kubectlAt(27)],
  ['1.33', kubectlAt(33)],
];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const widgetSchema = (extra: Record<string, unknown> = {}) => ({
  type: 'object',
  description: 'A Widget is a test kind defined by a fake CRD.',
  properties: {
    spec: {
      type: 'object',
      description: 'What the widget should be.',
      required: ['size'],
      properties: {
        size: { type: 'integer', description: 'How big the widget is.' },
        color: { type: 'string', enum: ['red', 'blue'], description: 'The colour of the widget.' },
        ...extra,
      },
    },
    status: { type: 'object', properties: { ready: { type: 'boolean' } } },
  },
});

function widget(schema: Record<string, unknown>): KindInfo {
  return {
    kind: 'Widget',
    group: 'example.com',
    version: 'v1',
    plural: 'widgets',
    singular: 'widget',
    shortNames: ['wd'],
    namespaced: true,
    categories: [],
    subresources: [],
    applyOrder: 50,
    alsoServed: [],
    listKind: 'WidgetList',
    custom: { crd: 'widgets.example.com', versions: [{ name: 'v1', served: true, storage: true, schema, printerColumns: [], status: false }] },
  };
}

const DEPLOYMENT = (name: string, image: string) =>
  deploymentText(name, {
    metadata: `  labels: {app: ${name}}\n`,
    replicas: 1,
    containers: `      - name: web
        image: ${image}
        env:
        - {name: A, value: "1"}
        - {name: B, value: "2"}
`,
  });

describe.skipIf(!HAVE_KUBECTL)('kubectl explain and apply against the OpenAPI documents', { timeout: 120_000 }, () => {
  let k: KubectlEngine;

  /** Runs one kubectl binary with the engine's kubeconfig and a cache dir of its own. */
  const run = (bin: string, ...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      const cache = join(k.home, 'cache', bin.replace(/\W+/g, '_'));
      execFile(bin, ['--kubeconfig', k.kubeconfig, '--cache-dir', cache, ...args], { env: { PATH: process.env.PATH ?? '', HOME: k.home }, timeout: 90_000, cwd: k.home }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
    });
  const ok = async (bin: string, ...args: string[]): Promise<string> => {
    const r = await run(bin, ...args);
    expect(r.code, `kubectl ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  const index = async (): Promise<Record<string, string>> => {
    const paths = (JSON.parse(await ok(KUBECTL, 'get', '--raw', '/openapi/v3')) as { paths: Record<string, { serverRelativeURL: string }> }).paths;
    return Object.fromEntries(Object.entries(paths).map(([key, v]) => [key, v.serverRelativeURL]));
  };

  useKubectlEngine('kubectl-explain', {}, (started) => {
    k = started;
  });

  for (const [label, bin] of BINARIES) {
    it.skipIf(!existsSync(bin))(`kubectl ${label} explains deployment.spec.strategy from the built-in schemas`, async () => {
      const out = await ok(bin, 'explain', 'deployment.spec.strategy');
      expect(out).toMatch(/^GROUP:\s+apps$/m);
      expect(out).toMatch(/^KIND:\s+Deployment$/m);
      expect(out).toMatch(/^VERSION:\s+v1$/m);
      expect(out).toMatch(/^FIELD:\s+strategy <DeploymentStrategy>$/m);
      expect(out).toMatch(/^\s+rollingUpdate\s+<RollingUpdateDeployment>$/m);
      expect(out).toMatch(/^\s+type\s+<string>$/m);
      // Enums are shown by the OpenAPI v3 explain (1.28+); 1.27 explains from the v2 protobuf document.
      if (!bin.endsWith('1.27')) expect(out).toMatch(/Recreate, RollingUpdate/);
      expect(out).toMatch(/The deployment strategy to use/);
    });
  }

  it('explains pods.spec.containers.image and a deeper IntOrString field', async () => {
    const image = await ok(KUBECTL, 'explain', 'pods.spec.containers.image');
    expect(image).toMatch(/^KIND:\s+Pod$/m);
    expect(image).toMatch(/^FIELD:\s+image <string>$/m);
    expect(image).toMatch(/Container image name/);
    const surge = await ok(KUBECTL, 'explain', 'deploy.spec.strategy.rollingUpdate.maxSurge');
    expect(surge).toMatch(/^FIELD:\s+maxSurge <IntOrString>$/m);
    const containers = await ok(KUBECTL, 'explain', 'pods.spec.containers');
    expect(containers).toMatch(/^FIELD:\s+containers <\[\]Container>$/m);
    expect(containers).toMatch(/^\s+name\s+<string> -required-$/m);
    const meta = await ok(KUBECTL, 'explain', 'configmap.metadata.labels');
    expect(meta).toMatch(/^FIELD:\s+labels <map\[string\]string>$/m);
    const missing = await run(KUBECTL, 'explain', 'deployment.spec.nope');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/field "nope" does not exist/);
  });

  it('kubectl apply -f (client-side, then server-side) still works with every kubectl', async () => {
    for (const [label, bin] of BINARIES.filter(([, b]) => existsSync(b))) {
      const name = `explained-${label.replace(/\W+/g, '-').replace(/-$/, '')}`;
      const file = join(k.home, `${name}.yaml`);
      writeFileSync(file, DEPLOYMENT(name, 'nginx:1.25'));
      const created = await run(bin, 'apply', '-f', file);
      expect(created.code, `${label}: ${created.stderr}`).toBe(0);
      expect(created.stdout).toMatch(new RegExp(`deployment\\.apps/${name} created`));
      expect(created.stderr, label).toBe('');
      // Client-side apply: a strategic merge patch (from the v2 document's patch metadata, or kubectl's
      // built-in types); env B goes by name, the image changes, env A stays.
      writeFileSync(file, DEPLOYMENT(name, 'nginx:1.26').replace(/ {8}- \{name: B, value: "2"\}\n/, ''));
      const configured = await run(bin, 'apply', '-f', file);
      expect(configured.code, `${label}: ${configured.stderr}`).toBe(0);
      expect(configured.stdout).toMatch(new RegExp(`deployment\\.apps/${name} configured`));
      expect(configured.stderr, label).toBe('');
      const container = k.engine.api.get('Deployment', 'default', name)!.spec.template.spec.containers[0];
      expect([label, container.image, container.env]).toEqual([label, 'nginx:1.26', [{ name: 'A', value: '1' }]]);
      expect(await ok(bin, 'apply', '-f', file)).toMatch(new RegExp(`deployment\\.apps/${name} unchanged`));

      writeFileSync(file, DEPLOYMENT(name, 'nginx:1.27'));
      const ssa = await run(bin, 'apply', '--server-side', '--force-conflicts', '-f', file);
      expect(ssa.code, `${label}: ${ssa.stderr}`).toBe(0);
      expect(ssa.stdout).toMatch(new RegExp(`deployment\\.apps/${name} serverside-applied`));
      expect(k.engine.api.get('Deployment', 'default', name)!.spec.template.spec.containers[0].image).toBe('nginx:1.27');
    }
    // Strict server-side validation still reaches the server (kubectl found fieldValidation on the PATCH operation).
    const file = join(k.home, 'strict.yaml');
    writeFileSync(file, DEPLOYMENT('explained-strict', 'nginx:1.27').replace('replicas: 1', 'replicas: 1\n  replicaz: 2'));
    const strict = await run(KUBECTL, 'apply', '-f', file);
    expect(strict.code).not.toBe(0);
    expect(strict.stderr).toMatch(/unknown field "spec\.replicaz"/);
  });

  it('follows the registry: a custom kind appears in the index, is explained, changes its hash, and goes', async () => {
    const before = await index();
    expect(before['apis/example.com/v1']).toBeUndefined();

    k.engine.api.kinds.register(widget(widgetSchema()));
    const added = await index();
    expect(added['apis/example.com/v1']).toMatch(/^\/openapi\/v3\/apis\/example\.com\/v1\?hash=[0-9A-F]{128}$/);
    // Documents of other group/versions keep their hash: kubectl's cached copies stay valid.
    expect(added['apis/apps/v1']).toBe(before['apis/apps/v1']);
    expect(added['api/v1']).toBe(before['api/v1']);

    for (const [label, bin] of BINARIES.filter(([, b]) => existsSync(b))) {
      const out = await ok(bin, 'explain', 'widgets.spec');
      expect(out, label).toMatch(/^GROUP:\s+example\.com$/m);
      expect(out, label).toMatch(/^KIND:\s+Widget$/m);
      expect(out, label).toMatch(/^FIELD:\s+spec <Object>$/m);
      expect(out, label).toMatch(/What the widget should be\./);
      expect(out, label).toMatch(/^\s+size\s+<integer> -required-$/m);
      expect(out, label).toMatch(/^\s+color\s+<string>$/m);
    }
    const top = await ok(KUBECTL, 'explain', 'widget');
    expect(top).toMatch(/A Widget is a test kind defined by a fake CRD\./);
    expect(top).toMatch(/^\s+metadata\s+<ObjectMeta>$/m);
    expect(await ok(KUBECTL, 'explain', 'widget.metadata.name')).toMatch(/^FIELD:\s+name <string>$/m);

    // A changed schema: a new hash for that group/version only, and kubectl (with its cache) sees the new field.
    k.engine.api.kinds.register(widget(widgetSchema({ shape: { type: 'string', description: 'The shape of the widget.' } })));
    const changed = await index();
    expect(changed['apis/example.com/v1']).not.toBe(added['apis/example.com/v1']);
    expect(changed['apis/apps/v1']).toBe(before['apis/apps/v1']);
    const shape = await ok(KUBECTL, 'explain', 'widgets.spec.shape');
    expect(shape).toMatch(/^FIELD:\s+shape <string>$/m);
    expect(shape).toMatch(/The shape of the widget\./);

    k.engine.api.kinds.unregister('Widget');
    expect((await index())['apis/example.com/v1']).toBeUndefined();
    const gone = await run(KUBECTL, 'explain', 'widgets');
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(/doesn't have a resource type "widgets"|couldn't find resource/);
  });
});

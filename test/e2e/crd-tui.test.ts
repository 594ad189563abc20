// End to end: CustomResourceDefinitions in the real terminal UI. The real
// `kubeterm` binary in a private tmux server (160×50), simulated runtime, on a
// temporary folder holding a CRD (widgets.example.com, printer columns Color
// and Size) and one Widget. `:widgets` shows the Widget's row with its printer
// columns; then a second CRD file (gadgets.example.com, short name `gdg`) and a
// Gadget are added to the folder, and `:gdg` reaches them without a restart;
// `:crds` lists both CRDs. Every step polls the screen with a deadline.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchTui } from './tmux.js';
import { screenSteps, tuiTestFile } from './tui-test-file.js';

const tui = tuiTestFile('test/e2e/crd-tui.test.ts');

const START_MS = 90_000;
const STEP_MS = 30_000;

function crd(plural: string, kind: string, shortName: string, columns: { name: string; type: string; jsonPath: string }[]): string {
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.example.com
spec:
  group: example.com
  scope: Namespaced
  names:
    plural: ${plural}
    singular: ${kind.toLowerCase()}
    kind: ${kind}
    shortNames: [${shortName}]
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              x-kubernetes-preserve-unknown-fields: true
      additionalPrinterColumns:
${columns.map((c) => `        - name: ${c.name}\n          type: ${c.type}\n          jsonPath: ${c.jsonPath}`).join('\n')}
`;
}

const WIDGETS_CRD = crd('widgets', 'Widget', 'wd', [
  { name: 'Color', type: 'string', jsonPath: '.spec.color' },
  { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
]);
const WIDGET = `apiVersion: example.com/v1
kind: Widget
metadata:
  name: blue-one
  namespace: default
spec:
  color: blue
  size: 3
`;
const GADGETS_CRD = crd('gadgets', 'Gadget', 'gdg', [{ name: 'Level', type: 'string', jsonPath: '.spec.level' }]);
const GADGET = `apiVersion: example.com/v1
kind: Gadget
metadata:
  name: gizmo-x
  namespace: default
spec:
  level: expert
`;

describe.skipIf(tui.skip)('custom resources in the terminal UI (tmux, simulated runtime)', { timeout: 300_000 }, () => {
  it(':widgets shows a custom resource with its printer columns; a CRD added later is reachable by its short name without restart', async () => {
    const run = launchTui(tui.tmux!, { files: { 'widgets-crd.yaml': WIDGETS_CRD, 'widget.yaml': WIDGET }, args: ['--nodes', '1', '--no-api', '--no-network'] });
    tui.onCleanup(() => run.dispose());
    const s = run.session;
    const folder = run.folder;
    const { wait, prompt } = screenSteps(s, STEP_MS);
    /**
     * `:name` until the view opens: the kind is served only once its CRD is
     * Established, which the folder sync and the CRD controller do in their
     * own time; until then the prompt says there is no such resource.
     */
    const open = async (name: string, title: RegExp) => {
      const deadline = Date.now() + STEP_MS;
      for (;;) {
        await prompt(name);
        const screen = await wait((sc) => title.test(sc) || /no resource named/.test(sc), `${title} or "no resource named" after :${name}`);
        if (title.test(screen)) return screen;
        if (Date.now() > deadline) throw new Error(`:${name} never opened ${title}; the screen was:\n${screen}`);
        await new Promise((r) => setTimeout(r, 500));
        s.keys('Escape');
      }
    };

    await wait(/Runtime:\s+SIMULATED/, 'the header to name the SIMULATED runtime', START_MS);

    // The custom resource with its printer columns (all namespaces: NAMESPACE first).
    await open('widgets', /Widgets\(all\)\[\d+\]/);
    let screen = await wait(/Widgets\(all\)\[1\]/, 'the one Widget to be listed');
    expect(screen).toMatch(/NAMESPACE\s+NAME\s+COLOR\s+SIZE\s+AGE/);
    expect(screen).toMatch(/default\s+blue-one\s+blue\s+3\s+\d+s/);

    // d describes it as kubectl describes a custom resource.
    s.keys('d');
    screen = await wait(/Describe\(default\/blue-one\)/, 'the describe view');
    await wait(/Kind:\s+Widget/, 'Kind: Widget in the description');
    expect(s.screen()).toMatch(/API Version:\s+example\.com\/v1/);
    s.keys('Escape');
    await wait(/Widgets\(all\)\[1\]/, 'back on the widgets view');

    // A second CRD and its resource, added while kubeterm runs: reached by its short name.
    writeFileSync(join(folder, 'gadgets-crd.yaml'), GADGETS_CRD);
    writeFileSync(join(folder, 'gadget.yaml'), GADGET);
    await open('gdg', /Gadgets\(all\)\[\d+\]/);
    screen = await wait(/Gadgets\(all\)\[1\]/, 'the one Gadget to be listed');
    expect(screen).toMatch(/NAMESPACE\s+NAME\s+LEVEL\s+AGE/);
    expect(screen).toMatch(/default\s+gizmo-x\s+expert\s+\d+s/);

    // :crds lists both definitions, as k9s shows them.
    await open('crds', /Customresourcedefinitions\(all\)\[\d+\]/);
    screen = await wait(/gadgets\.example\.com[\s\S]*widgets\.example\.com/, 'both CRDs listed');
    expect(screen).toMatch(/NAME\s+GROUP\s+KIND\s+VERSIONS\s+SCOPE\s+ALIASES\s+AGE/);
    expect(screen).toMatch(/widgets\.example\.com\s+example\.com\s+Widget\s+v1\s+Namespaced\s+wd\s/);

    await prompt('q');
    expect(await run.exitCode(STEP_MS)).toBe(0);
  });
});

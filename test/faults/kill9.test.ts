// kill -9 of a real kubeterm at random moments during a burst of applies and a
// rolling update, then restart, 20 times (bounded in time): after each kill the
// state file and its journal parse (a torn last journal line at most), kubeterm
// starts again over the stale lock, and no object it acknowledged (printed
// `… created`, which it does only once the journal line holding it is on disk)
// is lost. At the end a clean run finishes the rollout.
import { rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readStateOnDisk, SCHEMA_VERSION } from '../../state/index.js';
import { faultDirs, rollingWebDeployment, startKubeterm, type Kubeterm } from './kubeterm-process.js';

const ROUNDS = Number(process.env.FAULT_ROUNDS ?? 20);
/** Wall-clock budget for the kill loop: rounds stop early (and say so) rather than overrun CI. */
const BUDGET_MS = Number(process.env.FAULT_BUDGET_MS ?? 240_000);
const START_MS = 60_000;

const { dir, folder, state } = faultDirs('kubeterm-kill9-');
const running: Kubeterm[] = [];
afterAll(async () => {
  for (const k of running) await k.kill9();
  rmSync(dir, { recursive: true, force: true });
});

const configMap = (name: string, round: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  round: "${round}"\n`;
const deployment = (round: number) => rollingWebDeployment(`nginx:1.${round}`);

interface StoredObject {
  kind: string;
  metadata: { name: string; namespace?: string; generation?: number };
  spec?: { template?: { spec?: { containers?: { image?: string }[] } }; replicas?: number };
  status?: { observedGeneration?: number; updatedReplicas?: number; availableReplicas?: number; replicas?: number };
}

/** The snapshot with the journal replayed over it; throws (fails the test) if either does not parse. */
function readState(): StoredObject[] {
  const doc = readStateOnDisk(state);
  // No snapshot yet is fine on the first run (everything is still in the journal).
  if (doc.schemaVersion !== undefined) expect(doc.schemaVersion).toBe(SCHEMA_VERSION);
  return doc.objects as unknown as StoredObject[];
}

const rand = (n: number) => Math.floor(Math.random() * n);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('kill -9 during a burst of applies', () => {
  it(`${ROUNDS} kills at random moments: state parses, restart takes the stale lock, nothing acknowledged is lost`, async () => {
    const t0 = Date.now();
    const acknowledged = new Set<string>();
    let rounds = 0;
    let killedMidBurst = 0;
    writeFileSync(join(folder, 'web.yaml'), deployment(0));
    for (let round = 1; round <= ROUNDS; round++) {
      if (Date.now() - t0 > BUDGET_MS) {
        console.log(`faults: kill -9: time budget reached after ${rounds} rounds`);
        break;
      }
      const k = startKubeterm([folder, '--headless', '--runtime', 'sim', '--state', state]);
      running.push(k);
      // Started: the banner, then the first full sync of the folder.
      await k.waitFor(/^kubeterm .*state /, START_MS);
      await k.waitFor(/^SYNC /, START_MS);
      // A burst: new manifests and a new image for the Deployment (a rolling update), killed at a random moment.
      const burst = 5 + rand(10);
      for (let j = 0; j < burst; j++) writeFileSync(join(folder, `cm-${round}-${j}.yaml`), configMap(`cm-${round}-${j}`, round));
      writeFileSync(join(folder, 'web.yaml'), deployment(round));
      await sleep(rand(2) ? 30 + rand(120) : rand(700)); // half the kills land in the first moments of the burst
      await k.kill9();
      running.splice(running.indexOf(k), 1);
      const created = k.out.map((l) => /^configmap\/(\S+) created$/.exec(l)?.[1]).filter((n): n is string => !!n);
      for (const n of created) acknowledged.add(n);
      if (created.filter((n) => n.startsWith(`cm-${round}-`)).length < burst) killedMidBurst++;

      // After the kill: the file parses and holds everything acknowledged so far.
      const names = new Set(readState().filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name));
      const lost = [...acknowledged].filter((n) => !names.has(n));
      expect(lost, `round ${round}: acknowledged but not in the state file`).toEqual([]);
      expect(existsSync(`${state}.lock`), 'the lock file is left behind by kill -9 (the next start must take it over)').toBe(true);
      rounds++;
    }
    console.log(`faults: kill -9: ${rounds} rounds, ${killedMidBurst} killed mid-burst, ${acknowledged.size} acknowledged objects, none lost (${Math.round((Date.now() - t0) / 1000)} s)`);
    expect(rounds).toBeGreaterThanOrEqual(Math.min(ROUNDS, 5));

    // A clean last run: everything in the folder is applied and the rolling update completes.
    const k = startKubeterm([folder, '--headless', '--runtime', 'sim', '--state', state]);
    running.push(k);
    await k.waitFor(/^SYNC /, START_MS);
    const deadline = Date.now() + 60_000;
    let web: StoredObject | undefined;
    for (;;) {
      // Snapshot writes are atomic and journal lines whole or dropped, so reading while kubeterm runs sees a whole state.
      const objs = readState();
      web = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'web');
      const cms = new Set(objs.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name));
      const all = [...acknowledged].every((n) => cms.has(n));
      const s = web?.status;
      const done = !!web && s?.observedGeneration === web.metadata.generation && s?.updatedReplicas === 3 && s?.availableReplicas === 3 && s?.replicas === 3;
      if (all && done) break;
      if (Date.now() > deadline) throw new Error(`rollout did not complete: ${JSON.stringify(web?.status)}; all acknowledged present: ${all}`);
      await sleep(250);
    }
    expect(web!.spec!.template!.spec!.containers![0].image).toBe(`nginx:1.${rounds}`);
    k.child.kill('SIGTERM');
    const { code } = await k.exited;
    running.splice(running.indexOf(k), 1);
    expect(code).toBe(0);
    expect(existsSync(`${state}.lock`)).toBe(false);
  }, 420_000);
});

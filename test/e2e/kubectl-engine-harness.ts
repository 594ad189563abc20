// The real kubectl against a whole embedded engine: the engine with its API
// server on 127.0.0.1 and a temporary HOME and --cache-dir, so kubectl writes
// nothing outside the test.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { Engine, type EngineConfig } from '../../src/engine.js';
import { KUBECTL } from '../apiserver/harness.js';

const run = promisify(execFile);

export interface KubectlEngine {
  engine: Engine;
  home: string;
  kubeconfig: string;
  /** kubectl's stdout; rejects (with stderr on the error) when kubectl exits non-zero. */
  kubectl(...args: string[]): Promise<string>;
  /** kubectl's stderr, for commands expected to fail; throws if the command succeeds. */
  kubectlFails(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export async function startKubectlEngine(name: string, config: Partial<EngineConfig> = {}): Promise<KubectlEngine> {
  const home = mkdtempSync(join(tmpdir(), `kubeterm-${name}-`));
  const engine = new Engine({ persist: false, runtime: 'sim', nodes: 2, apiServer: { host: '127.0.0.1', port: 0 }, dataDir: join(home, 'data'), ...config });
  await engine.start();
  if (engine.apiServer?.error) throw new Error(`the API server did not start: ${engine.apiServer.error}`);
  const kubeconfig = engine.apiServer!.kubeconfig!;
  const kubectl = async (...args: string[]): Promise<string> => {
    const { stdout } = await run(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', join(home, 'cache'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: home },
      timeout: 90_000,
    });
    return stdout;
  };
  const kubectlFails = async (...args: string[]): Promise<string> => {
    try {
      await kubectl(...args);
    } catch (e) {
      return String((e as { stderr?: string }).stderr ?? e);
    }
    throw new Error(`kubectl ${args.join(' ')} succeeded`);
  };
  return {
    engine,
    home,
    kubeconfig,
    kubectl,
    kubectlFails,
    async stop() {
      await engine.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the engine before the tests of the enclosing describe (or file),
 * hands it to `got` (which may go on to seed it), and stops it after them.
 */
export function useKubectlEngine(name: string, config: Partial<EngineConfig>, got: (k: KubectlEngine) => void | Promise<void>): void {
  let k: KubectlEngine | undefined;
  beforeAll(async () => {
    k = await startKubectlEngine(name, config);
    await got(k);
  });
  afterAll(async () => {
    await k?.stop();
  });
}

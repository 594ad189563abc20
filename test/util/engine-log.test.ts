// The engine log: leveled lines reach the configured sink, a controller's
// failed reconcile reaches it without the controller doing anything, and the
// CLI's sink writes beside the state file when the UI owns the terminal.
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import { configureEngineLog, defaultLogFile } from '../../src/cli/engine-log.js';
import { Controller } from '../../src/controllers/controller.js';
import { FakeClock } from '../../src/util/clock.js';
import { formatLogLine, logger, recentLogs, setLogLevel, setLogSink } from '../../src/util/log.js';
import { MemoryStore } from '../../state/store.js';
import { conflict } from '../../src/api/errors.js';

afterEach(() => {
  setLogSink(undefined);
  setLogLevel('warn');
});

describe('engine log', () => {
  it('keeps lines at or above the level, named by component, as klog prints them', () => {
    const lines: string[] = [];
    setLogSink((l) => lines.push(l));
    setLogLevel('warn');
    const log = logger('scheduler');
    log.debug('not kept');
    log.info('not kept either');
    log.warn('node-3 is not ready');
    log.child('binder').error('binding pod web-1', new Error('etcd timeout'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^W\d{4} \d\d:\d\d:\d\d\.\d{3} scheduler\] node-3 is not ready$/);
    expect(lines[1]).toMatch(/^E\d{4} .* scheduler\/binder\] binding pod web-1: etcd timeout$/);
    expect(formatLogLine({ time: Date.parse('2026-12-07T20:53:42.123Z'), level: 'info', component: 'kubelet', message: 'hi' })).toBe('I1207 20:53:42.123 kubelet] hi');
  });

  it("carries a controller's failed reconcile to the log by default (a Conflict only at debug)", async () => {
    const clock = new FakeClock(0);
    const store = new MemoryStore({ now: () => clock.now() });
    const api = new Api({ store, now: () => clock.now() });
    const lines: string[] = [];
    setLogSink((l) => lines.push(l));
    let n = 0;
    const c = new Controller({
      name: 'widget',
      api,
      clock,
      reconcile: async () => {
        n++;
        if (n === 1) throw conflict('widgets', 'a', 'the object has been modified');
        if (n === 2) throw new Error('the widget is broken');
      },
    });
    c.start();
    c.enqueue('default/a');
    await c.whenIdle();
    clock.advance(10_000);
    await c.whenIdle();
    await c.stop();
    expect(n).toBeGreaterThanOrEqual(3);
    expect(lines.filter((l) => l.includes('controller/widget'))).toEqual([expect.stringMatching(/^E.* controller\/widget\] error syncing "default\/a", requeuing: the widget is broken$/)]);
    expect(recentLogs().at(-1)?.message).toContain('the widget is broken');
  });

  it('writes to stderr when headless, and to kubeterm.log beside the state file when the UI owns the terminal', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeterm-log-'));
    try {
      const state = path.join(dir, 'state.json');
      const written: string[] = [];
      const headless = configureEngineLog({ headless: true, logLevel: 'info', stateFile: state }, { write: (s: string) => written.push(s) } as unknown as NodeJS.WritableStream);
      expect(headless.target).toBe('stderr');
      logger('kubelet').info('pod started');
      await headless.close();
      expect(written).toEqual([expect.stringMatching(/kubelet\] pod started\n$/)]);

      const ui = configureEngineLog({ headless: false, logLevel: 'warn', stateFile: state });
      expect(ui.target).toBe(defaultLogFile(state));
      logger('controller/job').info('not kept at warn');
      expect(existsSync(ui.target)).toBe(false);
      logger('controller/job').error('error syncing "default/pi"', new Error('boom'));
      await ui.close();
      expect(readFileSync(path.join(dir, 'kubeterm.log'), 'utf8')).toMatch(/^E\d{4} .* controller\/job\] error syncing "default\/pi": boom\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

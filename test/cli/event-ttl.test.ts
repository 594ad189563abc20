// --event-ttl, as kube-apiserver's: a Go duration on the command line, and the
// engine's Event TTL controller removing Events that long after they were last seen.
import { describe, expect, it } from 'vitest';
import { parseCommandLine, parseGoDuration, type Command } from '../../src/cli/args.js';
import { Engine } from '../../src/engine.js';
import { FakeClock } from '../../src/util/clock.js';

const run = (argv: string[]) => (parseCommandLine(argv) as Extract<Command, { kind: 'run' }>).options;

describe('--event-ttl', () => {
  it('parses Go durations', () => {
    expect(parseGoDuration('1h')).toBe(3_600_000);
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
    expect(parseGoDuration('90s')).toBe(90_000);
    expect(parseGoDuration('1.5h')).toBe(5_400_000);
    expect(parseGoDuration('250ms')).toBe(250);
    for (const bad of ['', '10', 'h', '1d', '-1h', '1 h', '1h ']) expect(parseGoDuration(bad), bad).toBeUndefined();
  });

  it('is optional, and refuses what is not a positive duration', () => {
    expect(run([]).eventTTLMs).toBeUndefined();
    expect(run(['--event-ttl', '10m']).eventTTLMs).toBe(600_000);
    expect(() => parseCommandLine(['--event-ttl', '10'])).toThrow('invalid value "10" for --event-ttl: expected a duration such as 1h, 10m or 90s');
    expect(() => parseCommandLine(['--event-ttl', '0s'])).toThrow('for --event-ttl');
  });

  it('the engine removes Events that long after they were last seen', async () => {
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const engine = new Engine({ persist: false, runtime: 'sim', nodes: 1, clock, eventTTLMs: 120_000 });
    await engine.start();
    try {
      await engine.api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } });
      const events = () => engine.api.list('Event', { namespace: 'default' }).items.filter((e) => (e.involvedObject as { name?: string } | undefined)?.name === 'p');
      for (let i = 0; i < 50 && events().length === 0; i++) {
        clock.advance(100);
        await engine.whenIdle();
      }
      expect(events().length).toBeGreaterThan(0);
      clock.advance(60_000);
      await engine.whenIdle();
      expect(events().length).toBeGreaterThan(0); // not yet
      clock.advance(61_000);
      for (let i = 0; i < 20 && events().length > 0; i++) {
        await engine.whenIdle();
        await new Promise((r) => setImmediate(r));
      }
      expect(events()).toEqual([]);
    } finally {
      await engine.stop();
    }
  });
});

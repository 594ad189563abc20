// The short soak that runs in CI: bench/soak.bench.ts for 10 seconds on the
// simulated runtime with a real state file. Timings and memory are printed,
// never asserted; what is asserted is that steady churn of creates, rollouts,
// scales and deletes runs without a single non-Status error (the bench throws
// on one), mutations keep being accepted, and the engine stops cleanly.
import { describe, expect, it } from 'vitest';

describe('short soak (bench/soak.bench.ts, 10 s)', () => {
  it('churns Deployments, ConfigMaps and Secrets without an unexpected error', async () => {
    process.env.SOAK_SECONDS ??= '10';
    process.env.SOAK_SAMPLE_MS ??= '2000';
    const { run } = await import('../../bench/soak.bench.js');
    const r = await run();
    console.log(`faults: short soak: ${JSON.stringify(r)}`);
    expect(r.mutations as number).toBeGreaterThan(50);
    expect(r.refused_mutations as number).toBeLessThan(r.mutations as number);
    expect(r.samples as number).toBeGreaterThanOrEqual(3);
  }, 120_000);
});

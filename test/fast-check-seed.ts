// Property tests and CI. Locally every run draws a fresh seed, so the random
// tests keep exploring (a failure prints its seed and counterexample; fix the
// bug and pin the case as a plain test). In CI (`CI` set) the seed is fixed,
// so a submission's result does not depend on the draw; FUZZ_SEED overrides
// both, to replay a failure or to explore on purpose.
import fc from 'fast-check';

const fixedInCi = 20261122;
const fromEnv = process.env.FUZZ_SEED;
const seed = fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : process.env.CI ? fixedInCi : undefined;
if (seed !== undefined && Number.isFinite(seed)) fc.configureGlobal({ seed });

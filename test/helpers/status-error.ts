// Awaiting a request a test expects the API to refuse.
import { isStatusError, type StatusError } from '../../src/api/errors.js';

/**
 * The StatusError `p` rejects with. Any other error is rethrown; if `p`
 * resolves, throws `Error(ifAdmitted)` so the test fails saying what it expected.
 */
export async function statusErrorOf(p: Promise<unknown>, ifAdmitted = 'expected a StatusError'): Promise<StatusError> {
  try {
    await p;
  } catch (e) {
    if (isStatusError(e)) return e;
    throw e;
  }
  throw new Error(ifAdmitted);
}

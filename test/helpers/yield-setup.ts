/**
 * Vitest setup: give the event loop a turn before every test. Many engine tests are long and
 * synchronous; without this, vitest's worker RPC (task updates to the main process) can time out
 * behind a run of them.
 */
import { beforeEach } from 'vitest';

beforeEach(async () => {
  await new Promise<void>((resolve) => setImmediate(resolve));
});

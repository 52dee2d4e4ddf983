/**
 * How often to read the rig's meters, in blocks. Elementary's meter node queues one reading per block
 * in a 32-slot ring whose fill level is computed modulo 32: after exactly 32·k blocks without a read
 * it looks empty and the reading is lost (measured on @elemaudio 4.0.3; pinned by
 * test/engine/elementary-runtime.test.ts). The ring overwrites, so any other count returns the latest
 * block's reading. The runtime is a pinned wasm binary, so the fix is on our side: read every 1–31
 * blocks, never a multiple of 32.
 */

/** The most blocks between two meter reads. */
export const MAX_METER_POLL_BLOCKS = 31;

/** Blocks between meter reads for about `hz` reads per second (1..31); 0 when `hz` ≤ 0 (no meters). */
export function meterPollBlocks(sampleRate: number, blockSize: number, hz: number): number {
  if (!(hz > 0)) return 0;
  return Math.max(1, Math.min(MAX_METER_POLL_BLOCKS, Math.round(sampleRate / blockSize / hz)));
}

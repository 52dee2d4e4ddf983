/**
 * Stepped model swaps in the rig engine (`RigController.beginModel` / `stepModel`, the path the
 * AudioWorklet takes): while the new model builds, the output is bit for bit what it would be with no
 * swap at all (the old model keeps playing, nothing stalls the block); once queued, the crossfade and
 * everything after it equal a one-shot `setModel` issued at that same block; a model that fails to
 * build reports its error and changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNam, type NamFile } from '../../src/dsp/nam/index.ts';
import { loadElementaryModule } from '../../src/dsp/engine/elementary-runtime.ts';
import { RigController } from '../../src/dsp/engine/rig-controller.ts';
import type { ModelLoadOutcome } from '../../src/dsp/engine/rig-audio.ts';
import { mulberry32 } from '../../src/dsp/synth/prng.ts';
import { MODELS_DIR } from '../helpers/fixtures.ts';

const RATE = 48000;
const BLOCK = 128;
const mod = loadElementaryModule();
const nam = (name: string): NamFile => parseNam(readFileSync(join(MODELS_DIR, `${name}.nam`), 'utf8'));
const ampeg = nam('ampeg');
const jc = nam('jc');

const controller = (): RigController => new RigController({ sampleRate: RATE, maxBlockSize: BLOCK, model: ampeg, module: mod, kernels: 'simd' });

function noise(n: number): Float32Array {
  const r = mulberry32(7);
  return Float32Array.from({ length: n }, () => 0.3 * (2 * r() - 1));
}

/** Plays x block by block; `after(b)` runs after block b's audio (where the worklet steps builds). */
function play(c: RigController, x: Float32Array, after: (block: number) => void): Float32Array {
  const y = new Float32Array(x.length);
  for (let b = 0; b * BLOCK < x.length; b++) {
    c.engine.process(x.subarray(b * BLOCK, (b + 1) * BLOCK), y.subarray(b * BLOCK, (b + 1) * BLOCK), BLOCK);
    after(b);
  }
  return y;
}

function sameBits(a: Float32Array, b: Float32Array): number {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

describe('stepped model swap', () => {
  const x = noise(BLOCK * 300);
  const START = 100; // block after which the swap begins

  it('plays the old model untouched while building, then equals a one-shot swap at the block it completed', () => {
    const stepped = controller();
    let done = -1;
    let outcome: ModelLoadOutcome | null = null;
    const ys = play(stepped, x, (b) => {
      if (b === START) expect(stepped.beginModel(jc)).toBeNull();
      else if (b > START && done < 0) {
        const o = stepped.stepModel();
        if (o) {
          outcome = o;
          done = b;
        }
      }
    });
    expect(outcome).toMatchObject({ ok: true, file: jc });
    expect(stepped.model?.metadata).toBe(jc.metadata);
    // A bounded number of blocks: size, memory, construct (4 layers a step at block 128: 6 steps for 2 × 10
    // layers), pack slices (the 16-channel convs also pack Winograd F(2,3) and F(4,3) weights), reset,
    // prewarm, stage.
    expect(done - START).toBeGreaterThan(8);
    expect(done - START).toBeLessThanOrEqual(20);

    const none = play(controller(), x, () => undefined);
    const oneShot = controller();
    const yo = play(oneShot, x, (b) => {
      if (b === done) oneShot.setModel(jc);
    });
    const swapAt = (done + 1) * BLOCK; // the queued stage plays from the next block
    expect(sameBits(ys.subarray(0, swapAt), none.subarray(0, swapAt))).toBe(-1);
    expect(sameBits(ys, yo)).toBe(-1);
    // … and the swap did change the sound.
    expect(sameBits(ys.subarray(swapAt + 2 * BLOCK), none.subarray(swapAt + 2 * BLOCK))).toBeGreaterThanOrEqual(0);
  });

  it('a model that does not build reports its error and the old one keeps playing, bit for bit', () => {
    const raw = JSON.parse(readFileSync(join(MODELS_DIR, 'jc.nam'), 'utf8')) as { weights: number[] };
    raw.weights.length -= 10;
    const bad = parseNam(raw);
    const c = controller();
    const outcomes: ModelLoadOutcome[] = [];
    const y = play(c, x, (b) => {
      if (b === START) c.beginModel(bad);
      const o = c.stepModel();
      if (o) outcomes.push(o);
    });
    expect(outcomes).toHaveLength(1);
    const o = outcomes[0]!;
    expect(o.ok).toBe(false);
    if (!o.ok) expect(o.error.message).toMatch(/weights: this config needs \d+ values, the file has \d+/);
    expect(c.model?.metadata).toBe(ampeg.metadata);
    expect(c.audio.building).toBe(false);
    expect(sameBits(y, play(controller(), x, () => undefined))).toBe(-1);
  });

  it('a newer load replaces one under way (the older file is handed back)', () => {
    const c = controller();
    c.engine.process(x.subarray(0, BLOCK), new Float32Array(BLOCK), BLOCK);
    expect(c.beginModel(jc)).toBeNull();
    c.stepModel();
    expect(c.beginModel(ampeg)).toBe(jc);
    let o: ModelLoadOutcome | null = null;
    for (let i = 0; i < 50 && o === null; i++) o = c.stepModel();
    expect(o).toMatchObject({ ok: true, file: ampeg });
    expect(c.stepModel()).toBeNull();
  });
});

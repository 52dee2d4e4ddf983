/**
 * The WASM SIMD LSTM (`lstm_process` over `packLstm` weights) against a naive double-precision
 * LSTM written here from the .nam layout, for random small models (H 1..24, 1..3 layers) over 2000
 * samples, with exact gates (oracle: Math.tanh, 1/(1+e^−x)) and fast gates (oracle: the core's
 * fast_tanh formula in double), for the baseline and (where supported) relaxed builds.
 */
import { describe, expect, it } from 'vitest';
import { lstmLayout, packLstm } from '../../src/dsp/nam/simd/pack.ts';
import { Arena, VARIANTS, randInt, rng } from './harness.ts';

const f = Math.fround;
const FA = f(2.45550750702956);
const FB = f(0.893229853513558);
const FC = f(0.821226666969744);
const FD = f(2.44506634652299);
const FE = f(0.814642734961073);

function fastTanhRef(x: number): number {
  const ax = Math.abs(x);
  const x2 = x * x;
  return (x * (FA + FA * ax + (FB + FC * ax) * x2)) / (FD + (FD + x2) * Math.abs(x + FE * x * ax));
}

interface Model {
  H: number;
  L: number;
  /** The .nam weight list. */
  weights: Float32Array;
}

function randomModel(seed: number, H: number, L: number): Model {
  const r = rng(seed);
  const values: number[] = [];
  const s = 1.5 / Math.sqrt(H + 1);
  for (let l = 0; l < L; l++) {
    const cols = (l === 0 ? 1 : H) + H;
    for (let i = 0; i < 4 * H * cols; i++) values.push((2 * r() - 1) * s);
    for (let i = 0; i < 4 * H; i++) values.push((2 * r() - 1) * 0.5);
    for (let i = 0; i < H; i++) values.push((2 * r() - 1) * 0.5); // h0
    for (let i = 0; i < H; i++) values.push((2 * r() - 1) * 0.5); // c0
  }
  for (let i = 0; i < H; i++) values.push(2 * r() - 1);
  values.push(0.1);
  return { H, L, weights: Float32Array.from(values) };
}

/** Naive double LSTM, straight from the .nam layout (gates i, f, g, o; columns x then h). */
function referenceLstm(m: Model, input: Float32Array, fast: boolean): Float64Array {
  const { H, L, weights: w } = m;
  const sig = fast ? (x: number) => 0.5 * (fastTanhRef(0.5 * x) + 1) : (x: number) => 1 / (1 + Math.exp(-x));
  const th = fast ? fastTanhRef : Math.tanh;
  const layers: { W: Float32Array; b: Float32Array; h: Float64Array; c: Float64Array; inSize: number }[] = [];
  let p = 0;
  for (let l = 0; l < L; l++) {
    const inSize = l === 0 ? 1 : H;
    const W = w.subarray(p, (p += 4 * H * (inSize + H)));
    const b = w.subarray(p, (p += 4 * H));
    const h = Float64Array.from(w.subarray(p, (p += H)));
    const c = Float64Array.from(w.subarray(p, (p += H)));
    layers.push({ W, b, h, c, inSize });
  }
  const headW = w.subarray(p, (p += H));
  const headB = w[p]!;
  const out = new Float64Array(input.length);
  const gates = new Float64Array(4 * H);
  for (let s = 0; s < input.length; s++) {
    let x: ArrayLike<number> = [input[s]!];
    for (const layer of layers) {
      const cols = layer.inSize + H;
      for (let r = 0; r < 4 * H; r++) {
        let acc = layer.b[r]!;
        for (let j = 0; j < layer.inSize; j++) acc += layer.W[r * cols + j]! * x[j]!;
        for (let j = 0; j < H; j++) acc += layer.W[r * cols + layer.inSize + j]! * layer.h[j]!;
        gates[r] = acc;
      }
      for (let u = 0; u < H; u++) layer.c[u] = sig(gates[H + u]!) * layer.c[u]! + sig(gates[u]!) * th(gates[2 * H + u]!);
      for (let u = 0; u < H; u++) layer.h[u] = sig(gates[3 * H + u]!) * th(layer.c[u]!);
      x = layer.h;
    }
    let y = headB;
    for (let u = 0; u < H; u++) y += headW[u]! * x[u]!;
    out[s] = y;
  }
  return out;
}

function testInput(seed: number, n: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, (_, i) => 0.6 * Math.sin(i * 0.05) + 0.3 * (r() - 0.5) + (i % 500 < 10 ? 1.5 : 0));
}

const N = 2000;
const SHAPES: [H: number, L: number][] = [
  [1, 1],
  [2, 1],
  [3, 2],
  [4, 1],
  [5, 3],
  [8, 2],
  [11, 1],
  [12, 3],
  [16, 1],
  [17, 2],
  [24, 1],
  [24, 2],
  [24, 3],
];

for (const variant of VARIANTS) {
  describe(`lstm_process (${variant.name})`, () => {
    const arena = new Arena(variant.relaxed, 16);

    function run(m: Model, input: Float32Array, fast: boolean, blocks: number[]): { out: Float32Array; params: number; state: number } {
      arena.reset();
      const layout = lstmLayout(m.H, m.L);
      const params = arena.put(packLstm(m.weights, m.H, m.L));
      const state = arena.alloc(layout.stateFloats);
      arena.f32.fill(NaN, state / 4, state / 4 + layout.stateFloats); // lstm_reset must set all of it
      const io = arena.put(input, 0);
      arena.k.lstm_reset(params, state, m.H, m.L);
      let s = 0;
      let bi = 0;
      while (s < input.length) {
        const n = Math.min(blocks[bi++ % blocks.length]!, input.length - s);
        arena.k.lstm_process(params, state, io + 4 * s, io + 4 * s, n, m.H, m.L, fast ? 1 : 0); // in place
        s += n;
      }
      return { out: arena.read(io, input.length), params, state };
    }

    for (const fast of [false, true]) {
      it(`matches a double LSTM over ${N} samples, ${fast ? 'fast' : 'exact'} gates, ${SHAPES.length} + 6 random shapes`, () => {
        const r = rng(fast ? 11 : 12);
        const shapes = [...SHAPES];
        for (let i = 0; i < 6; i++) shapes.push([randInt(r, 1, 24), randInt(r, 1, 3)]);
        for (const [H, L] of shapes) {
          const m = randomModel(H * 31 + L, H, L);
          const input = testInput(H + L, N);
          const want = referenceLstm(m, input, fast);
          const { out } = run(m, input, fast, [128, 1, 37, 64, 7]);
          let scale = 0;
          for (const v of want) scale = Math.max(scale, Math.abs(v));
          let worst = 0;
          for (let s = 0; s < N; s++) worst = Math.max(worst, Math.abs(out[s]! - want[s]!));
          // float32 state and weights vs double: measured ≤ 3.2e-7 here.
          if (!(worst <= 2e-6 * Math.max(1, scale))) expect.fail(`H=${H} L=${L} ${fast ? 'fast' : 'exact'}: max error ${worst} (scale ${scale})`);
        }
      });
    }

    it('lstm_reset restores the exported state', () => {
      const m = randomModel(5, 7, 2);
      const input = testInput(1, 300);
      const first = run(m, input, false, [300]).out;
      const { params, state } = run(m, input, false, [300]);
      const io = arena.put(input);
      arena.k.lstm_reset(params, state, m.H, m.L);
      arena.k.lstm_process(params, state, io, io, 300, m.H, m.L, 0);
      expect(Array.from(arena.read(io, 300))).toEqual(Array.from(first));
    });

    it('with no layers passes the input through', () => {
      arena.reset();
      const input = testInput(2, 13);
      const io = arena.put(input);
      const out = arena.alloc(13);
      arena.k.lstm_process(0, 0, io, out, 13, 4, 0, 0);
      expect(Array.from(arena.read(out, 13))).toEqual(Array.from(input));
    });

    it('writes only n output samples', () => {
      const m = randomModel(9, 6, 1);
      arena.reset();
      const layout = lstmLayout(m.H, m.L);
      const params = arena.put(packLstm(m.weights, m.H, m.L));
      const state = arena.alloc(layout.stateFloats);
      const out = arena.put(new Float32Array(8).fill(42));
      const inp = arena.put(new Float32Array(8).fill(0.5));
      arena.k.lstm_reset(params, state, m.H, m.L);
      arena.k.lstm_process(params, state, inp, out, 3, m.H, m.L, 1);
      const got = arena.read(out, 8);
      expect(got.subarray(0, 3).every((v) => v !== 42 && Number.isFinite(v))).toBe(true);
      expect(Array.from(got.subarray(3))).toEqual([42, 42, 42, 42, 42]);
    });
  });
}

describe('packLstm', () => {
  it('sizes match lstmLayout and reject a wrong weight count', () => {
    for (const [H, L] of [[1, 1], [5, 2], [24, 3]] as const) {
      const m = randomModel(1, H, L);
      const layout = lstmLayout(H, L);
      expect(packLstm(m.weights, H, L).length).toBe(layout.paramsFloats);
      expect(layout.hiddenPadded % 4).toBe(0);
      expect(() => packLstm(m.weights.subarray(1), H, L)).toThrow();
      expect(() => packLstm(Float32Array.from([...m.weights, 0]), H, L)).toThrow();
    }
  });
});

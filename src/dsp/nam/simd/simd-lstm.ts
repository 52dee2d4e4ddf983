/**
 * The LSTM on the SIMD kernels: the whole per-sample recurrence runs inside WebAssembly
 * (`lstm_process`), vectorised over the 4H gate rows, on weights packed by `packLstm`.
 * Same semantics as `lstm.ts` (state starts from, and `reset()` returns to, the exported h0/c0).
 */
import { fillBuffer, type Compute } from '../compute.ts';
import type { NamDsp } from '../dsp.ts';
import type { SimdKernels } from './kernels.ts';
import { lstmLayout, packLstm } from './pack.ts';

export class SimdLstmDsp implements NamDsp {
  readonly numInputChannels = 1;
  readonly numOutputChannels = 1;
  private readonly params: Float32Array;
  private readonly state: Float32Array;
  private readonly io: Float32Array;
  private readonly init: number;
  private readonly stateSize: number;

  constructor(
    weights: Float32Array,
    private readonly hidden: number,
    private readonly layers: number,
    private readonly fast: boolean,
    readonly maxBlockSize: number,
    readonly prewarmSamples: number,
    compute: Compute,
    private readonly k: SimdKernels,
  ) {
    const layout = lstmLayout(hidden, layers);
    const params = compute.floats(layout.paramsFloats);
    this.params = params;
    fillBuffer(compute, { units: 1, floatsPerUnit: layout.paramsFloats, run: () => params.set(packLstm(weights, hidden, layers)) });
    this.state = compute.floats(layout.stateFloats);
    this.io = compute.floats(maxBlockSize);
    this.init = layout.initOffset;
    this.stateSize = layout.layers * layout.hiddenPadded;
    this.reset();
  }

  /**
   * State := the exported h0/c0 (what the kernel's `lstm_reset` does, in plain TypeScript so it
   * also works while the model is only being sized). State layout: [0,0,0,x | h (L·Hp) | c (L·Hp) | scratch].
   */
  reset(): void {
    const st = this.state;
    const p = this.params;
    const m = this.stateSize;
    st.fill(0);
    for (let i = 0; i < m; i++) st[4 + i] = p[this.init + i]!;
    for (let i = 0; i < m; i++) st[4 + m + i] = p[this.init + m + i]!;
  }

  process(inputs: readonly Float32Array[], outputs: readonly Float32Array[], n: number): void {
    const io = this.io;
    const x = inputs[0]!;
    for (let t = 0; t < n; t++) io[t] = x[t]!;
    this.k.lstm_process(this.params.byteOffset, this.state.byteOffset, io.byteOffset, io.byteOffset, n, this.hidden, this.layers, this.fast ? 1 : 0);
    const y = outputs[0]!;
    for (let t = 0; t < n; t++) y[t] = io[t]!;
  }
}

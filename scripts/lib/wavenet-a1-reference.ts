/**
 * A plain, per-sample, float64 forward pass of the A1 ("legacy") WaveNet of a `.nam` file.
 *
 * It is written straight from `../shared/notes/nam-format.md` (NeuralAmpModelerCore's `wavenet`),
 * as an independent oracle: nothing here is shared with the engine in `src/dsp/nam/`, nothing is
 * optimised, and every step is one loop you can check against the description. It is used to
 * verify the project's default model (`scripts/lib/default-model-design.ts`) and can serve as a
 * naive oracle for the engine's tests.
 *
 * Pipeline for one sample `x` (the condition is the raw input for every array):
 *
 *     cond = [x]
 *     v = [x]                                   // array 0's input (input_size 1)
 *     head = 0 (channels of array 0)
 *     for each layer array i:
 *       h = rechannel_i · v                      // input_size → channels, no bias
 *       acc = head                               // head accumulator (channels_i)
 *       for each layer (dilation d, kernel K):
 *         z[r] = conv_b[r] + Σ_c Σ_k conv_w[r][c][k] · h_in(t − d·(K−1−k))[c] + Σ_j mixin[r][j] · cond[j]
 *         a = act(z)        (gated: act(z[0..C)) · sigmoid(z[C..2C)))
 *         acc += a                               // the head accumulates the activation output
 *         h = h + layer1x1_w · a + layer1x1_b    // residual
 *       v = h                                    // array i+1's input is this array's layer output
 *       head = head_rechannel_i · acc (+ bias if head_bias)   // channels_i → head_size_i
 *     y = head_scale · head[0]
 *
 * Weight order (PyTorch layout, as in the note): per array the rechannel (out × in), then per
 * layer the dilated conv (out, in, tap) and its bias, the input mixin (out × cond), layer1x1
 * (out × in) and its bias, then the head rechannel (out × in) and its bias when `head_bias`;
 * the very last weight is `head_scale` (it overrides the config value). Tap k reads the sample
 * `d·(K−1−k)` back, so the last tap is the current sample.
 *
 * Supported: A1 layer arrays (`gated` true/false, `head_size` + `head_bias`), top-level `head`
 * null. Anything A2 (gating_mode, head{…}, bottleneck ≠ channels, groups, FiLM, head1x1,
 * condition_dsp, post-stack head) is refused with an Error.
 */

export interface A1LayerArrayConfig {
  input_size: number;
  condition_size: number;
  head_size: number;
  channels: number;
  kernel_size: number;
  dilations: number[];
  activation: string;
  gated: boolean;
  head_bias: boolean;
}

export interface A1WaveNetConfig {
  layers: A1LayerArrayConfig[];
  head: null;
  head_scale: number;
}

type Act = (x: number) => number;

const sigmoid: Act = (x) => 1 / (1 + Math.exp(-x));

function activationByName(name: string): Act {
  switch (name) {
    case 'Tanh':
      return Math.tanh;
    case 'Hardtanh':
      return (x) => Math.min(1, Math.max(-1, x));
    case 'ReLU':
      return (x) => (x > 0 ? x : 0);
    case 'Sigmoid':
      return sigmoid;
    default:
      throw new Error(`wavenet-a1-reference: unsupported activation ${JSON.stringify(name)}`);
  }
}

/** Number of weights an A1 config needs, head_scale included. */
export function a1WeightCount(config: A1WaveNetConfig): number {
  let n = 0;
  for (const la of config.layers) {
    const c = la.channels;
    const zc = la.gated ? 2 * c : c;
    n += c * la.input_size;
    n += la.dilations.length * (zc * c * la.kernel_size + zc + zc * la.condition_size + c * c + c);
    n += la.head_size * c + (la.head_bias ? la.head_size : 0);
  }
  return n + 1;
}

/** Samples of history the model looks at: 1 + Σ (K−1)·d over all layers. */
export function a1ReceptiveField(config: A1WaveNetConfig): number {
  let rf = 1;
  for (const la of config.layers) for (const d of la.dilations) rf += (la.kernel_size - 1) * d;
  return rf;
}

/** Refuses anything that is not a plain A1 WaveNet config. */
export function checkA1Config(config: unknown): A1WaveNetConfig {
  const c = config as Record<string, unknown>;
  if (!c || !Array.isArray(c.layers) || c.layers.length === 0) throw new Error('wavenet-a1-reference: config.layers missing');
  if (c.head !== null && c.head !== undefined) throw new Error('wavenet-a1-reference: post-stack head not supported');
  if (c.condition_dsp !== undefined && c.condition_dsp !== null) throw new Error('wavenet-a1-reference: condition_dsp not supported');
  const a2Keys = ['gating_mode', 'head', 'bottleneck', 'groups_input', 'groups_input_mixin', 'layer1x1', 'head1x1', 'kernel_sizes', 'slimmable'];
  for (const [i, la] of (c.layers as Record<string, unknown>[]).entries()) {
    for (const k of a2Keys) if (la[k] !== undefined) throw new Error(`wavenet-a1-reference: layers[${i}].${k} (A2) not supported`);
    if (typeof la.activation !== 'string') throw new Error(`wavenet-a1-reference: layers[${i}].activation must be a string`);
    if (la.input_size !== 1 && i === 0) throw new Error('wavenet-a1-reference: layers[0].input_size must be 1');
  }
  const layers = c.layers as A1LayerArrayConfig[];
  for (let i = 1; i < layers.length; i++) {
    if (layers[i]!.input_size !== layers[i - 1]!.channels) throw new Error(`wavenet-a1-reference: layers[${i}].input_size != previous channels`);
    if (layers[i]!.channels !== layers[i - 1]!.head_size) throw new Error(`wavenet-a1-reference: layers[${i}].channels != previous head_size`);
  }
  if (layers[layers.length - 1]!.head_size !== 1) throw new Error('wavenet-a1-reference: last head_size must be 1');
  return c as unknown as A1WaveNetConfig;
}

interface RefLayer {
  dilation: number;
  /** convW[(r * C + c) * K + k] */
  convW: Float64Array;
  convB: Float64Array;
  /** mixin[r * condSize + j] */
  mixin: Float64Array;
  /** w1x1[o * C + r] */
  w1x1: Float64Array;
  b1x1: Float64Array;
  /** History of this layer's input vectors: hist[slot * C + c]; slot = t mod histLen. */
  hist: Float64Array;
  histLen: number;
}

interface RefArray {
  cfg: A1LayerArrayConfig;
  act: Act;
  /** rechannel[c * inputSize + i] */
  rechannel: Float64Array;
  layers: RefLayer[];
  /** headW[o * C + c] */
  headW: Float64Array;
  headB: Float64Array;
}

/** A1 WaveNet evaluated one sample at a time in float64. */
export class ReferenceWaveNetA1 {
  readonly config: A1WaveNetConfig;
  readonly headScale: number;
  readonly receptiveField: number;
  private readonly arrays: RefArray[];
  private t = 0;

  constructor(config: unknown, weights: ArrayLike<number>) {
    this.config = checkA1Config(config);
    const need = a1WeightCount(this.config);
    if (weights.length !== need) throw new Error(`wavenet-a1-reference: config needs ${need} weights, got ${weights.length}`);
    let pos = 0;
    const take = (n: number): Float64Array => {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = weights[pos++]!;
      return out;
    };
    this.arrays = this.config.layers.map((cfg) => {
      const C = cfg.channels;
      const Z = cfg.gated ? 2 * C : C;
      const K = cfg.kernel_size;
      const rechannel = take(C * cfg.input_size);
      const layers = cfg.dilations.map((dilation): RefLayer => {
        const convW = take(Z * C * K);
        const convB = take(Z);
        const mixin = take(Z * cfg.condition_size);
        const w1x1 = take(C * C);
        const b1x1 = take(C);
        const histLen = (K - 1) * dilation + 1;
        return { dilation, convW, convB, mixin, w1x1, b1x1, hist: new Float64Array(histLen * C), histLen };
      });
      const headW = take(cfg.head_size * C);
      const headB = cfg.head_bias ? take(cfg.head_size) : new Float64Array(cfg.head_size);
      return { cfg, act: activationByName(cfg.activation), rechannel, layers, headW, headB };
    });
    this.headScale = weights[pos++]!;
    this.receptiveField = a1ReceptiveField(this.config);
  }

  /** Clears every history (as if the model had only ever seen zeros at its input). */
  reset(): void {
    for (const a of this.arrays) for (const l of a.layers) l.hist.fill(0);
    this.t = 0;
  }

  /** Processes one input sample and returns one output sample. */
  processSample(x: number): number {
    const cond = [x];
    let v: Float64Array = Float64Array.of(x);
    let head: Float64Array | null = null;
    for (const arr of this.arrays) {
      const { cfg, act } = arr;
      const C = cfg.channels;
      const K = cfg.kernel_size;
      // Rechannel: input_size → channels, no bias.
      let h = new Float64Array(C);
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let i = 0; i < cfg.input_size; i++) s += arr.rechannel[c * cfg.input_size + i]! * v[i]!;
        h[c] = s;
      }
      const acc = head ? Float64Array.from(head) : new Float64Array(C);
      for (const layer of arr.layers) {
        const slot = this.t % layer.histLen;
        for (let c = 0; c < C; c++) layer.hist[slot * C + c] = h[c]!;
        const Z = cfg.gated ? 2 * C : C;
        const z = new Float64Array(Z);
        for (let r = 0; r < Z; r++) {
          let s = layer.convB[r]!;
          for (let c = 0; c < C; c++) {
            for (let k = 0; k < K; k++) {
              const back = layer.dilation * (K - 1 - k);
              if (back > this.t) continue; // before time 0 the history is zero
              const sl = (this.t - back) % layer.histLen;
              s += layer.convW[(r * C + c) * K + k]! * layer.hist[sl * C + c]!;
            }
          }
          for (let j = 0; j < cfg.condition_size; j++) s += layer.mixin[r * cfg.condition_size + j]! * cond[j]!;
          z[r] = s;
        }
        const a = new Float64Array(C);
        for (let r = 0; r < C; r++) a[r] = cfg.gated ? act(z[r]!) * sigmoid(z[r + C]!) : act(z[r]!);
        for (let r = 0; r < C; r++) acc[r] += a[r]!;
        const next = new Float64Array(C);
        for (let o = 0; o < C; o++) {
          let s = h[o]! + layer.b1x1[o]!;
          for (let r = 0; r < C; r++) s += layer.w1x1[o * C + r]! * a[r]!;
          next[o] = s;
        }
        h = next;
      }
      v = h;
      const hs = new Float64Array(cfg.head_size);
      for (let o = 0; o < cfg.head_size; o++) {
        let s = arr.headB[o]!;
        for (let c = 0; c < C; c++) s += arr.headW[o * C + c]! * acc[c]!;
        hs[o] = s;
      }
      head = hs;
    }
    this.t++;
    return this.headScale * head![0]!;
  }

  /** Processes a whole signal sample by sample (state carries over between calls). */
  process(input: ArrayLike<number>): Float64Array {
    const out = new Float64Array(input.length);
    for (let i = 0; i < input.length; i++) out[i] = this.processSample(input[i]!);
    return out;
  }
}

/**
 * Builds the reference model from the text of a `.nam` file (A1 WaveNet only). The weights are read
 * as float32, as NeuralAmpModelerCore reads them; everything after that is float64.
 */
export function referenceFromNamText(text: string): ReferenceWaveNetA1 {
  const file = JSON.parse(text) as { architecture?: string; config?: unknown; weights?: number[] };
  if (file.architecture !== 'WaveNet') throw new Error(`wavenet-a1-reference: architecture ${file.architecture} is not WaveNet`);
  return new ReferenceWaveNetA1(file.config, (file.weights ?? []).map((w) => Math.fround(w)));
}

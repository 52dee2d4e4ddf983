/**
 * The WaveNet architecture (NeuralAmpModelerCore `wavenet::WaveNet`), A1 and A2.
 *
 *   cond  = condition_dsp ? condition_dsp(input) : input
 *   array 0: layer inputs = input, head_acc starts at 0
 *   array i: layer inputs = array i−1's layer outputs, head_acc starts at array i−1's head output
 *   out   = head_scale · last head output, or post_head(head_scale · last head output)
 *
 * The very last weight in the file is head_scale and overrides the config value.
 * Prewarm = (condition_dsp's prewarm, or 1) + Σ array receptive fields + post-head receptive field.
 */
import type { ArchitectureBuilder, BuildInput, NamDsp } from '../dsp.ts';
import { checkBudget, runBuildSteps } from '../dsp.ts';
import { NamError } from '../errors.ts';
import { Planar, type PlanarView } from '../planar.ts';
import { jsCompute, type Compute } from '../compute.ts';
import { WeightReader, expectWeightCount } from '../weights.ts';
import { Conv1d } from '../conv1d.ts';
import { parseWaveNetConfig, waveNetWeightCount, zWidth, headInputWidth, type WaveNetSpec } from './config.ts';
import { LayerArray } from './layer-array.ts';
import { PostStackHead } from './post-head.ts';

/** Rough count of floats the built model allocates, checked before allocating anything. */
export function waveNetFloatBudget(spec: WaveNetSpec, maxBlock: number): number {
  let floats = waveNetWeightCount(spec) * 2;
  for (const a of spec.arrays) {
    floats += (a.channels + headInputWidth(a) + a.headSize) * maxBlock;
    for (const l of a.layers) {
      const zw = zWidth(a, l);
      const hist = Conv1d.capacityFor({ inChannels: a.channels, outChannels: zw, kernelSize: l.kernelSize, dilation: l.dilation, groups: 1, bias: true }, maxBlock);
      floats += a.channels * hist + (zw * 3 + a.channels * 2 + a.head1x1.outChannels) * maxBlock;
    }
    floats += headInputWidth(a) * Conv1d.capacityFor({ inChannels: 1, outChannels: 1, kernelSize: a.headKernelSize, dilation: a.headDilation, groups: 1, bias: true }, maxBlock);
  }
  return floats;
}

class WaveNet implements NamDsp {
  readonly numInputChannels: number;
  readonly numOutputChannels: number;
  readonly prewarmSamples: number;
  private readonly input: Planar;
  private readonly condition: Planar | null; // condition_dsp output
  private readonly conditionOutputs: Float32Array[];
  private readonly inputRows: Float32Array[];
  private readonly scaled: Planar | null;
  private readonly zeroRows: Float32Array[];
  private readonly scratchOut: Float32Array[];

  constructor(
    private readonly arrays: LayerArray[],
    private readonly postHead: PostStackHead | null,
    private readonly headScale: number,
    private readonly conditionDsp: NamDsp | null,
    inChannels: number,
    readonly maxBlockSize: number,
    compute: Compute,
  ) {
    this.numInputChannels = inChannels;
    const last = arrays[arrays.length - 1]!;
    this.numOutputChannels = postHead ? postHead.output.channels : last.spec.headSize;
    this.input = new Planar(inChannels, compute);
    const stride = compute.stride;
    this.inputRows = Array.from({ length: inChannels }, (_, c) => this.input.data.subarray(c * stride, c * stride + maxBlockSize));
    if (conditionDsp) {
      this.condition = new Planar(conditionDsp.numOutputChannels, compute);
      const cond = this.condition;
      this.conditionOutputs = Array.from({ length: cond.channels }, (_, c) => cond.data.subarray(c * stride, c * stride + maxBlockSize));
    } else {
      this.condition = null;
      this.conditionOutputs = [];
    }
    this.scaled = postHead ? new Planar(last.spec.headSize, compute) : null;
    this.zeroRows = Array.from({ length: inChannels }, () => new Float32Array(1));
    this.scratchOut = Array.from({ length: this.numOutputChannels }, () => new Float32Array(1));
    this.prewarmSamples = (conditionDsp ? conditionDsp.prewarmSamples : 1) + arrays.reduce((s, a) => s + a.receptiveField, 0) + (postHead ? postHead.receptiveField : 0);
  }

  reset(): void {
    for (const a of this.arrays) a.reset();
    this.postHead?.reset();
    this.conditionDsp?.reset();
  }

  /** Steady priming reaches through a condition_dsp only when it is a WaveNet too. */
  setSteady(on: boolean): boolean {
    if (this.conditionDsp && !(this.conditionDsp instanceof WaveNet && this.conditionDsp.setSteady(on))) return false;
    for (const a of this.arrays) a.setSteady(on);
    this.postHead?.setSteady(on);
    return true;
  }

  /**
   * Exact prewarm in one sample: a feed-forward WaveNet fed zeros settles, layer by layer, to
   * constant signals. Priming every history with its incoming (constant) value and running one
   * zero sample gives bit for bit the state `prewarmSamples` zeros give, in microseconds.
   */
  prewarmSteadyState(): boolean {
    if (!this.setSteady(true)) {
      this.setSteady(false);
      return false;
    }
    for (const row of this.zeroRows) row[0] = 0;
    this.process(this.zeroRows, this.scratchOut, 1);
    this.setSteady(false);
    return true;
  }

  process(inputs: readonly Float32Array[], outputs: readonly Float32Array[], n: number): void {
    for (let c = 0; c < this.numInputChannels; c++) {
      const src = inputs[c]!;
      const dst = this.inputRows[c]!;
      for (let t = 0; t < n; t++) dst[t] = src[t]!;
    }
    const input = this.input.all;
    let cond: PlanarView = input;
    if (this.conditionDsp && this.condition) {
      this.conditionDsp.process(this.inputRows, this.conditionOutputs, n);
      cond = this.condition.all;
    }
    let layerInputs: PlanarView = input;
    let prevHead: PlanarView | null = null;
    // Indexed (no array iterator: V8 10.2, the plugin's, allocates one per loop on this per-block path).
    const arrays = this.arrays;
    for (let i = 0; i < arrays.length; i++) {
      const a = arrays[i]!;
      a.process(layerInputs, cond, prevHead, n);
      layerInputs = a.x.all;
      prevHead = a.headOut.all;
    }
    const head = this.arrays[this.arrays.length - 1]!.headOut;
    const scale = this.headScale;
    if (this.postHead && this.scaled) {
      const s = this.scaled.data;
      const h = head.data;
      for (let c = 0; c < head.channels; c++) {
        const base = c * head.stride;
        for (let t = 0; t < n; t++) s[base + t] = scale * h[base + t]!;
      }
      this.postHead.process(this.scaled.all, n);
      const out = this.postHead.output;
      for (let c = 0; c < this.numOutputChannels; c++) {
        const o = outputs[c]!;
        const base = c * out.stride;
        for (let t = 0; t < n; t++) o[t] = out.data[base + t]!;
      }
      return;
    }
    for (let c = 0; c < this.numOutputChannels; c++) {
      const o = outputs[c]!;
      const h = head.data;
      const base = c * head.stride;
      for (let t = 0; t < n; t++) o[t] = scale * h[base + t]!;
    }
  }
}

/** Builds a WaveNet in one go. */
export const buildWaveNet: ArchitectureBuilder = (input: BuildInput): NamDsp => runBuildSteps(buildWaveNetSteps(input));

/**
 * Builds a WaveNet stepwise: the config checks, a condition_dsp and the first layer make the first
 * unit, then one unit per layer (`LayerArray.build`); the post head and the model come with the last.
 */
export function* buildWaveNetSteps(input: BuildInput): Generator<void, NamDsp, void> {
  const { config, weights, options } = input;
  const spec = parseWaveNetConfig(config, options.fastTanh);
  expectWeightCount(waveNetWeightCount(spec), weights.length);
  checkBudget(waveNetFloatBudget(spec, options.maxBlockSize), config.path);

  let conditionDsp: NamDsp | null = null;
  if (spec.conditionDsp !== null) {
    conditionDsp = input.buildNested(spec.conditionDsp, config.at('condition_dsp'), options);
    if (conditionDsp.numInputChannels !== spec.inChannels) {
      throw new NamError('invalid-config', config.at('condition_dsp'), `takes ${conditionDsp.numInputChannels} input channels, the WaveNet has ${spec.inChannels}`);
    }
  }
  const condWidth = conditionDsp ? conditionDsp.numOutputChannels : spec.inChannels;
  for (const a of spec.arrays) {
    if (a.conditionSize !== condWidth) {
      throw new NamError('invalid-config', `${a.path}.condition_size`, `is ${a.conditionSize}, but the condition has ${condWidth} channels`);
    }
  }

  const compute = options.compute ?? jsCompute(options.maxBlockSize);
  const reader = new WeightReader(weights);
  const arrays: LayerArray[] = [];
  for (const a of spec.arrays) arrays.push(yield* LayerArray.build(a, reader, compute, compute.ops));
  const postHead = spec.postHead ? new PostStackHead(spec.postHead, reader, compute, compute.ops) : null;
  const headScale = reader.next(); // the last weight overrides config.head_scale
  reader.finish();
  return new WaveNet(arrays, postHead, headScale, conditionDsp, spec.inChannels, options.maxBlockSize, compute);
}

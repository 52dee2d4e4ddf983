/**
 * The WaveNet post-stack head (NeuralAmpModelerCore `wavenet::detail::Head`): a chain of causal
 * convs (dilation 1, with bias), each preceded by the head activation.
 *
 *   for each conv i: x = conv_i(act(x))
 *
 * Its receptive field adds Σ (k_i − 1) samples.
 */
import { Conv1d } from '../conv1d.ts';
import { convWeightCount } from '../conv-kernel.ts';
import { Planar, type PlanarView } from '../planar.ts';
import type { Compute } from '../compute.ts';
import type { PlanarOps } from '../planar-ops.ts';
import type { WeightReader } from '../weights.ts';
import { postHeadConvShapes, type PostHeadSpec } from './config.ts';

export class PostStackHead {
  private readonly convs: Conv1d[];
  private readonly outputs: Planar[];

  constructor(
    private readonly spec: PostHeadSpec,
    weights: WeightReader,
    compute: Compute,
    private readonly ops: PlanarOps,
  ) {
    this.convs = postHeadConvShapes(spec).map((s) => {
      const shape = { ...s, dilation: 1, groups: 1, bias: true };
      return new Conv1d(shape, weights.take(convWeightCount(shape)), compute, ops);
    });
    this.outputs = this.convs.map((c) => new Planar(c.kernel.shape.outChannels, compute));
  }

  get receptiveField(): number {
    return this.convs.reduce((s, c) => s + c.reach, 0);
  }

  get output(): Planar {
    return this.outputs[this.outputs.length - 1]!;
  }

  reset(): void {
    for (const c of this.convs) c.reset();
  }

  setSteady(on: boolean): void {
    for (const c of this.convs) c.steady = on;
  }

  /** Processes `work` (modified in place by the first activation). */
  process(work: PlanarView, n: number): void {
    let input = work;
    for (let i = 0; i < this.convs.length; i++) {
      this.ops.activate(this.spec.activation, input, n);
      const out = this.outputs[i]!.all;
      this.convs[i]!.process(input, out, n);
      input = out;
    }
  }
}

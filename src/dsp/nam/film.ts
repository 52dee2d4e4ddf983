/**
 * FiLM, feature-wise linear modulation (NeuralAmpModelerCore `NAM/film.h`):
 *
 *   [scale; shift] = Conv1x1(condition)        (condition_dim → (shift ? 2 : 1)·dim, with bias)
 *   out[c][t]      = in[c][t] · scale[c][t] (+ shift[c][t])
 *
 * Scale rows come before shift rows. Works in place (out may be in).
 */
import { Conv1x1 } from './conv1d.ts';
import { Planar, type PlanarView } from './planar.ts';
import { convWeightCount } from './conv-kernel.ts';
import type { Compute } from './compute.ts';
import type { PlanarOps } from './planar-ops.ts';

export interface FilmSpec {
  active: boolean;
  shift: boolean;
  groups: number;
}

export function filmWeightCount(conditionDim: number, dim: number, spec: FilmSpec): number {
  return convWeightCount({ inChannels: conditionDim, outChannels: (spec.shift ? 2 : 1) * dim, kernelSize: 1, dilation: 1, groups: spec.groups, bias: true });
}

export class Film {
  private readonly conv: Conv1x1;
  private readonly scaleShift: Planar;

  constructor(
    conditionDim: number,
    readonly dim: number,
    private readonly shift: boolean,
    groups: number,
    weights: Float32Array,
    compute: Compute,
    private readonly ops: PlanarOps,
  ) {
    const out = (shift ? 2 : 1) * dim;
    this.conv = new Conv1x1({ inChannels: conditionDim, outChannels: out, groups, bias: true }, weights, compute);
    this.scaleShift = new Planar(out, compute);
  }

  process(input: PlanarView, condition: PlanarView, output: PlanarView, n: number): void {
    this.conv.process(condition, this.scaleShift.all, n);
    this.ops.film(input, this.scaleShift.all, output, this.shift, n);
  }
}

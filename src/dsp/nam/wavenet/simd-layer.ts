/**
 * The fused SIMD form of a plain WaveNet layer: the descriptor `wavenet_layer` (simd/assembly/
 * kernels.ts) reads (integers in f64 slots), written once at build time into the model's memory, so a block runs the whole
 * layer in one WebAssembly call instead of six calls with their view and pointer arithmetic.
 *
 * "Plain": no FiLM, no head1x1, ungrouped conv, mixin and layer1x1, gating none or gated, and
 * parameterless activations. Any other layer keeps the general path (layer.ts), which a fused layer
 * matches bit for bit (same kernels, same order).
 */
import type { Activation } from '../activations.ts';
import type { Compute } from '../compute.ts';
import type { Conv1d, Conv1x1 } from '../conv1d.ts';
import type { Planar } from '../planar.ts';
import { SimdConvKernel } from '../simd/simd-conv.ts';
import type { GatingMode } from './config.ts';

/** `wavenet_layer`'s activation codes (ACT_* in the kernels' source). */
const ACTIVATION_CODES: Readonly<Record<string, number>> = {
  Identity: 0,
  Tanh: 1,
  Fasttanh: 2,
  Sigmoid: 3,
  ReLU: 4,
  Hardtanh: 5,
  Softsign: 6,
  SiLU: 7,
  Hardswish: 8,
};

/** Descriptor slots, in the order of the kernels' L_* constants. */
const SLOTS = 27;

export interface SimdLayerParts {
  readonly conv: Conv1d;
  readonly mixin: Conv1x1;
  readonly layer1x1: Conv1x1 | null;
  readonly z: Planar;
  readonly channels: number;
  readonly bottleneck: number;
  readonly gating: GatingMode;
  readonly activation: Activation;
  readonly secondary: Activation;
}

function activationCode(a: Activation): number {
  if (a.isIdentity) return 0;
  return ACTIVATION_CODES[a.name] ?? -1;
}

function ungrouped(k: unknown): k is SimdConvKernel {
  return k instanceof SimdConvKernel && k.groups === 1;
}

/**
 * Byte address of the layer's descriptor in the compute's memory, or null when the layer is not
 * plain (the caller then checks FiLMs and head1x1 itself: pass only layers without them).
 */
export function simdLayerDescriptor(compute: Compute, p: SimdLayerParts): number | null {
  if (compute.simd === null || p.gating === 'blended') return null;
  const conv = p.conv.kernel;
  const mixin = p.mixin.kernel;
  const l1 = p.layer1x1?.kernel ?? null;
  if (!ungrouped(conv) || !ungrouped(mixin) || (l1 !== null && !ungrouped(l1))) return null;
  const act = activationCode(p.activation);
  const secondary = p.gating === 'gated' ? activationCode(p.secondary) : -1;
  if (act < 0 || (p.gating === 'gated' && secondary < 0)) return null;
  const wino = conv.winograd;
  const at = compute.floats(2 * SLOTS);
  const d = new Float64Array(at.buffer, at.byteOffset, SLOTS);
  d.set([
    compute.stride,
    p.channels,
    p.conv.history.byteOffset,
    p.conv.capacity,
    p.z.data.byteOffset,
    conv.packedAt[0]!,
    conv.tiles,
    conv.inPer,
    conv.K,
    conv.dilation,
    wino ? wino.weightsAt : 0,
    wino ? wino.scratchAt : 0,
    wino ? wino.segPairs : 0,
    wino && wino.step > 0 ? wino.step : 1,
    mixin.packedAt[0]!,
    mixin.tiles,
    mixin.inPer,
    p.bottleneck,
    act,
    secondary,
    l1 ? l1.packedAt[0]! : 0,
    l1 ? l1.tiles : 0,
    l1 ? l1.inPer : 0,
    wino ? wino.stateAt : 0,
    wino ? wino.quadWeightsAt : 0,
    wino ? wino.segQuads : 0,
    wino && wino.quadStep > 0 ? wino.quadStep : 1,
  ]);
  return at.byteOffset;
}

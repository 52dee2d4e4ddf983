/**
 * Random, valid .nam models of every architecture, for tests on cases no fixture covers.
 * The weight count of each is computed here from first principles (PyTorch layouts), independently
 * of the engine's own counting.
 */
import { mulberry32 } from '../../src/dsp/synth/prng.ts';

type Json = Record<string, unknown>;

/** Seeded floats in [0, 1). */
export const seededRandom = mulberry32;

export interface RandomModel {
  description: string;
  nam: Json;
}

export function randomModel(seed: number, kind: 'wavenet-a1' | 'wavenet-a2' | 'lstm' | 'convnet' | 'linear'): RandomModel {
  const r = seededRandom(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const w = (n: number, scale = 0.4): number[] => Array.from({ length: n }, () => Math.fround((r() * 2 - 1) * scale));
  const conv = (cin: number, cout: number, k: number, groups: number, bias: boolean): number => cout * (cin / groups) * k + (bias ? cout : 0);
  const divisorOf = (...ns: number[]): number => pick([1, 2, 3, 4].filter((g) => ns.every((n) => n % g === 0)));
  const base = (architecture: string, config: Json, weights: number[]): Json => ({ version: pick(['0.5.4', '0.6.0', '0.7.0']), architecture, config, weights, sample_rate: 48000 });

  if (kind === 'linear') {
    const rf = int(1, 200);
    const bias = r() < 0.5;
    return { description: `Linear rf ${rf}`, nam: base('Linear', { receptive_field: rf, bias }, w(rf + (bias ? 1 : 0))) };
  }
  if (kind === 'lstm') {
    const H = int(1, 24);
    const L = int(1, 3);
    let n = 0;
    for (let l = 0; l < L; l++) n += 4 * H * ((l === 0 ? 1 : H) + H) + 4 * H + 2 * H;
    n += H + 1;
    return { description: `LSTM ${L}x${H}`, nam: base('LSTM', { input_size: 1, hidden_size: H, num_layers: L }, w(n, 0.5)) };
  }
  if (kind === 'convnet') {
    const C = int(1, 12);
    const dilations = Array.from({ length: int(1, 6) }, () => int(1, 32));
    const batchnorm = r() < 0.5;
    const activation = pick(['Tanh', 'ReLU', 'Hardtanh', 'Sigmoid']);
    const weights: number[] = [];
    dilations.forEach((_, i) => {
      weights.push(...w(conv(i === 0 ? 1 : C, C, 2, 1, !batchnorm)));
      if (batchnorm) weights.push(...w(C, 0.1), ...Array.from({ length: C }, () => Math.fround(0.5 + r())), ...w(2 * C), Math.fround(1e-5));
    });
    weights.push(...w(C + 1));
    return { description: `ConvNet ${C} ch, dilations ${dilations}, bn ${batchnorm}, ${activation}`, nam: base('ConvNet', { channels: C, dilations, batchnorm, activation }, weights) };
  }

  const a2 = kind === 'wavenet-a2';
  const acts = a2 ? ['Tanh', 'ReLU', 'Sigmoid', 'SiLU', 'Hardtanh', 'Softsign', 'Hardswish', { type: 'LeakyReLU', negative_slope: 0.05 }, { type: 'LeakyHardtanh', min_val: -1, max_val: 1, min_slope: 0.1, max_slope: 0.1 }] : ['Tanh'];
  const nArrays = int(1, 2);
  const layers: Json[] = [];
  const weights: number[] = [];
  let prevChannels = 1;
  const arraysDesc: string[] = [];
  const channelsPlan = Array.from({ length: nArrays }, () => int(2, 12));
  for (let ai = 0; ai < nArrays; ai++) {
    const channels = channelsPlan[ai]!;
    const nLayers = int(1, 5);
    const dilations = Array.from({ length: nLayers }, () => pick([1, 2, 3, 4, 8, 16, 32, 64]));
    const kernelSizes = Array.from({ length: nLayers }, () => (a2 ? int(1, 4) : 3));
    const gating = a2 ? pick(['none', 'gated', 'blended'] as const) : r() < 0.3 ? 'gated' : 'none';
    const layer1x1Active = a2 ? r() < 0.8 : true;
    const bottleneck = a2 && layer1x1Active ? int(1, channels) : channels;
    const zw = gating === 'none' ? bottleneck : 2 * bottleneck;
    const groupsInput = a2 ? divisorOf(channels, zw) : 1;
    const head1x1 = a2 && r() < 0.4 ? { active: true, out_channels: int(1, 6), groups: 1 } : null;
    const headIn = head1x1 ? head1x1.out_channels : bottleneck;
    const headKernel = a2 ? int(1, 3) : 1;
    const headBias = r() < 0.5;
    const activation = a2 && r() < 0.5 ? Array.from({ length: nLayers }, () => pick(acts)) : pick(acts);
    const films: Json = {};
    const filmSlots = ['conv_pre_film', 'conv_post_film', 'input_mixin_pre_film', 'input_mixin_post_film', 'activation_pre_film', 'activation_post_film', 'layer1x1_post_film', 'head1x1_post_film'];
    if (a2) {
      for (const slot of filmSlots) {
        if (slot === 'layer1x1_post_film' && !layer1x1Active) continue;
        if (slot === 'head1x1_post_film' && !head1x1) continue;
        if (r() < 0.25) films[slot] = { active: true, shift: r() < 0.6, groups: 1 };
      }
    }
    const config: Json = {
      input_size: ai === 0 ? 1 : prevChannels,
      condition_size: 1,
      channels,
      ...(a2 ? { bottleneck, kernel_sizes: kernelSizes, gating_mode: gating, groups_input: groupsInput, layer1x1: { active: layer1x1Active, groups: 1 } } : { kernel_size: 3, gated: gating === 'gated' }),
      dilations,
      activation,
      ...(head1x1 ? { head1x1 } : {}),
      ...films,
    };
    layers.push(config);
    arraysDesc.push(`${channels}ch/b${bottleneck} ${gating} k${kernelSizes.join('')} d${dilations.join(',')}${head1x1 ? ' head1x1' : ''}${Object.keys(films).length ? ` films:${Object.keys(films).length}` : ''}`);
    (config as { _headIn: number })._headIn = headIn;
    (config as { _headKernel: number })._headKernel = headKernel;
    (config as { _headBias: boolean })._headBias = headBias;
    prevChannels = channels;
  }
  // Head sizes: array i's head output feeds array i+1's head accumulator.
  for (let ai = 0; ai < nArrays; ai++) {
    const c = layers[ai] as Json & { _headIn: number; _headKernel: number; _headBias: boolean };
    const headSize = ai < nArrays - 1 ? (layers[ai + 1] as { _headIn: number })._headIn : 1;
    if (a2) c['head'] = { out_channels: headSize, kernel_size: c._headKernel, bias: c._headBias };
    else {
      c['head_size'] = headSize;
      c['head_bias'] = c._headBias;
    }
  }
  // Weights, in file order.
  for (let ai = 0; ai < nArrays; ai++) {
    const c = layers[ai] as Json & { _headIn: number; _headKernel: number; _headBias: boolean };
    const channels = c['channels'] as number;
    const bottleneck = (c['bottleneck'] as number | undefined) ?? channels;
    const gating = (c['gating_mode'] as string | undefined) ?? (c['gated'] ? 'gated' : 'none');
    const zw = gating === 'none' ? bottleneck : 2 * bottleneck;
    const ks = (c['kernel_sizes'] as number[] | undefined) ?? (c['dilations'] as number[]).map(() => 3);
    const l1 = (c['layer1x1'] as { active: boolean } | undefined)?.active ?? true;
    const h1 = c['head1x1'] as { out_channels: number } | undefined;
    const g = (c['groups_input'] as number | undefined) ?? 1;
    weights.push(...w(conv(c['input_size'] as number, channels, 1, 1, false)));
    for (const k of ks) {
      weights.push(...w(conv(channels, zw, k, g, true)));
      weights.push(...w(conv(1, zw, 1, 1, false)));
      if (l1) weights.push(...w(conv(bottleneck, channels, 1, 1, true)));
      if (h1) weights.push(...w(conv(bottleneck, h1.out_channels, 1, 1, true)));
      const widths: Record<string, number> = {
        conv_pre_film: channels, conv_post_film: zw, input_mixin_pre_film: 1, input_mixin_post_film: zw,
        activation_pre_film: zw, activation_post_film: bottleneck, layer1x1_post_film: channels, head1x1_post_film: h1?.out_channels ?? 0,
      };
      for (const slot of Object.keys(widths)) {
        const f = c[slot] as { shift: boolean } | undefined;
        if (f) weights.push(...w(conv(1, (f.shift ? 2 : 1) * widths[slot]!, 1, 1, true)));
      }
    }
    const headSize = (c['head'] as { out_channels: number } | undefined)?.out_channels ?? (c['head_size'] as number);
    weights.push(...w(conv(c._headIn, headSize, c._headKernel, 1, c._headBias)));
    delete (c as Partial<typeof c>)._headIn;
    delete (c as Partial<typeof c>)._headKernel;
    delete (c as Partial<typeof c>)._headBias;
  }
  weights.push(Math.fround(0.5 + r()));
  return { description: `WaveNet ${a2 ? 'A2' : 'A1'}: ${arraysDesc.join(' | ')}`, nam: base('WaveNet', { layers, head: null, head_scale: 0.02 }, weights) };
}

/**
 * WaveNet config parsing (NeuralAmpModelerCore `wavenet::parse_config_json`), A1 and A2.
 *
 * Turns the untrusted `config` object into a typed `WaveNetSpec`, with the core's defaults:
 * - `kernel_size` or per-layer `kernel_sizes[]` (exactly one of them);
 * - `activation` as one spec or one per layer;
 * - `gating_mode` (one or per layer) or legacy `gated: bool`; `secondary_activation` defaults to Sigmoid;
 * - `bottleneck` defaults to `channels`; `groups_input`, `groups_input_mixin` default to 1;
 * - `layer1x1` defaults to active (groups 1); `head1x1` to inactive;
 * - the head as `head{out_channels, kernel_size, bias, dilation?}` or legacy `head_size` + `head_bias`;
 * - the eight FiLM slots (missing or `false` = inactive; `active`, `shift` default true, `groups` 1);
 * - top level: `head_scale`, `in_channels` (default 1), post-stack `head`, `condition_dsp`.
 * Also counts the weights the spec needs, in file order, so a mismatch is reported before building.
 */
import { ConfigReader, type Json } from '../config-reader.ts';
import { NamError } from '../errors.ts';
import { parseActivation, type Activation } from '../activations.ts';
import { convWeightCount } from '../conv-kernel.ts';
import { filmWeightCount, type FilmSpec } from '../film.ts';

export type GatingMode = 'none' | 'gated' | 'blended';

export const FILM_SLOTS = [
  'conv_pre_film',
  'conv_post_film',
  'input_mixin_pre_film',
  'input_mixin_post_film',
  'activation_pre_film',
  'activation_post_film',
  'layer1x1_post_film',
  'head1x1_post_film',
] as const;
export type FilmSlot = (typeof FILM_SLOTS)[number];

export interface LayerSpec {
  kernelSize: number;
  dilation: number;
  activation: Activation;
  gating: GatingMode;
  secondary: Activation;
}

export interface LayerArraySpec {
  path: string;
  inputSize: number;
  conditionSize: number;
  channels: number;
  bottleneck: number;
  headSize: number;
  headKernelSize: number;
  headDilation: number;
  headBias: boolean;
  groupsInput: number;
  groupsInputMixin: number;
  layer1x1: { active: boolean; groups: number };
  head1x1: { active: boolean; outChannels: number; groups: number };
  films: Record<FilmSlot, FilmSpec>;
  layers: LayerSpec[];
}

export interface PostHeadSpec {
  inChannels: number;
  channels: number;
  outChannels: number;
  kernelSizes: number[];
  activation: Activation;
}

export interface WaveNetSpec {
  inChannels: number;
  arrays: LayerArraySpec[];
  postHead: PostHeadSpec | null;
  headScale: number;
  conditionDsp: Json | null;
}

function gatingFrom(value: Json, path: string): GatingMode {
  if (value === 'none' || value === 'gated' || value === 'blended') return value;
  throw new NamError('invalid-config', path, `unknown gating mode ${JSON.stringify(value)} (expected none, gated or blended)`);
}

function parseFilm(layer: ConfigReader, key: FilmSlot): FilmSpec {
  const raw = layer.raw(key);
  if (raw === undefined || raw === null || raw === false) return { active: false, shift: false, groups: 1 };
  if (raw === true) return { active: true, shift: true, groups: 1 };
  const f = layer.child(key);
  return { active: f.bool('active', true), shift: f.bool('shift', true), groups: f.int('groups', 1) };
}

export function checkGroups(inChannels: number, outChannels: number, groups: number, path: string): void {
  if (inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new NamError('invalid-config', path, `groups ${groups} must divide both ${inChannels} input and ${outChannels} output channels`);
  }
}

function parseLayerArray(la: ConfigReader, fastTanh: boolean): LayerArraySpec {
  const channels = la.int('channels');
  const bottleneck = la.int('bottleneck', channels);
  const dilations = la.intArray('dilations');
  if (dilations.length === 0) la.fail('dilations', 'must list at least one layer');
  const n = dilations.length;

  let kernelSizes: number[];
  if (la.has('kernel_size') && la.has('kernel_sizes')) la.fail('kernel_sizes', 'only one of kernel_size and kernel_sizes may be given');
  if (la.has('kernel_sizes')) {
    kernelSizes = la.intArray('kernel_sizes');
    if (kernelSizes.length !== n) la.fail('kernel_sizes', `has ${kernelSizes.length} entries for ${n} dilations`);
  } else {
    kernelSizes = new Array<number>(n).fill(la.int('kernel_size'));
  }

  const rawActivation = la.raw('activation');
  const activationAt = (i: number): Activation => {
    if (Array.isArray(rawActivation)) {
      if (rawActivation.length !== n) la.fail('activation', `has ${rawActivation.length} entries for ${n} dilations`);
      return parseActivation(rawActivation[i], `${la.at('activation')}[${i}]`, { fastTanh, channels: bottleneck });
    }
    if (rawActivation === undefined) la.fail('activation', 'is missing');
    return parseActivation(rawActivation, la.at('activation'), { fastTanh, channels: bottleneck });
  };

  let gatings: GatingMode[];
  const rawGating = la.raw('gating_mode');
  if (rawGating !== undefined && rawGating !== null) {
    if (Array.isArray(rawGating)) {
      if (rawGating.length !== n) la.fail('gating_mode', `has ${rawGating.length} entries for ${n} dilations`);
      gatings = rawGating.map((g, i) => gatingFrom(g, `${la.at('gating_mode')}[${i}]`));
    } else {
      gatings = new Array<GatingMode>(n).fill(gatingFrom(rawGating, la.at('gating_mode')));
    }
  } else {
    gatings = new Array<GatingMode>(n).fill(la.bool('gated', false) ? 'gated' : 'none');
  }
  const rawSecondary = la.raw('secondary_activation');
  if (Array.isArray(rawSecondary) && rawSecondary.length !== n) {
    la.fail('secondary_activation', `has ${rawSecondary.length} entries for ${n} dilations`);
  }
  const secondaryAt = (i: number): Activation => {
    if (rawSecondary === undefined || rawSecondary === null) return parseActivation('Sigmoid', la.at('secondary_activation'), { fastTanh });
    if (Array.isArray(rawSecondary)) return parseActivation(rawSecondary[i], `${la.at('secondary_activation')}[${i}]`, { fastTanh, channels: bottleneck });
    return parseActivation(rawSecondary, la.at('secondary_activation'), { fastTanh, channels: bottleneck });
  };

  const layers: LayerSpec[] = dilations.map((dilation, i) => ({
    kernelSize: kernelSizes[i]!,
    dilation,
    activation: activationAt(i),
    gating: gatings[i]!,
    secondary: gatings[i] === 'none' ? activationAt(i) : secondaryAt(i),
  }));

  let headSize: number;
  let headKernelSize = 1;
  let headDilation = 1;
  let headBias: boolean;
  const headObj = la.optionalChild('head');
  if (headObj) {
    headSize = headObj.int('out_channels');
    headKernelSize = headObj.int('kernel_size', 1);
    headDilation = headObj.int('dilation', headObj.int('head_dilation', 1));
    headBias = headObj.bool('bias');
  } else if (la.has('head_size')) {
    headSize = la.int('head_size');
    headBias = la.bool('head_bias');
  } else {
    la.fail('head', "expected a 'head' object or legacy 'head_size' and 'head_bias'");
  }

  const l1 = la.optionalChild('layer1x1');
  const layer1x1 = { active: l1 ? l1.bool('active', true) : true, groups: l1 ? l1.int('groups', 1) : 1 };
  const h1 = la.optionalChild('head1x1');
  const head1x1 = {
    active: h1 ? h1.bool('active', false) : false,
    outChannels: h1 ? h1.int('out_channels', channels) : channels,
    groups: h1 ? h1.int('groups', 1) : 1,
  };
  const films = Object.fromEntries(FILM_SLOTS.map((slot) => [slot, parseFilm(la, slot)])) as Record<FilmSlot, FilmSpec>;

  if (!layer1x1.active && bottleneck !== channels) {
    la.fail('bottleneck', `must equal channels (${channels}) when layer1x1 is inactive, got ${bottleneck}`);
  }
  if (films.layer1x1_post_film.active && !layer1x1.active) la.fail('layer1x1_post_film', 'needs layer1x1 to be active');
  if (films.head1x1_post_film.active && !head1x1.active) la.fail('head1x1_post_film', 'needs head1x1 to be active');

  const spec: LayerArraySpec = {
    path: la.path,
    inputSize: la.int('input_size'),
    conditionSize: la.int('condition_size'),
    channels,
    bottleneck,
    headSize,
    headKernelSize,
    headDilation,
    headBias,
    groupsInput: la.int('groups_input', 1),
    groupsInputMixin: la.int('groups_input_mixin', 1),
    layer1x1,
    head1x1,
    films,
    layers,
  };
  for (const layer of layers) {
    const zWidth = layer.gating === 'none' ? bottleneck : 2 * bottleneck;
    checkGroups(channels, zWidth, spec.groupsInput, la.at('groups_input'));
    checkGroups(spec.conditionSize, zWidth, spec.groupsInputMixin, la.at('groups_input_mixin'));
  }
  if (layer1x1.active) checkGroups(bottleneck, channels, layer1x1.groups, la.at('layer1x1.groups'));
  if (head1x1.active) checkGroups(bottleneck, head1x1.outChannels, head1x1.groups, la.at('head1x1.groups'));
  return spec;
}

export function parseWaveNetConfig(config: ConfigReader, fastTanh: boolean): WaveNetSpec {
  const layersRaw = config.array('layers');
  if (layersRaw.length === 0) config.fail('layers', 'needs at least one layer array');
  const arrays = layersRaw.map((_, i) => parseLayerArray(ConfigReader.of(layersRaw[i], `${config.at('layers')}[${i}]`), fastTanh));

  const inChannels = config.int('in_channels', 1);
  for (let i = 0; i < arrays.length; i++) {
    const a = arrays[i]!;
    const expectedInput = i === 0 ? inChannels : arrays[i - 1]!.channels;
    if (a.inputSize !== expectedInput) {
      throw new NamError('invalid-config', `${a.path}.input_size`, `is ${a.inputSize}, but ${i === 0 ? 'the model input' : 'the previous array'} has ${expectedInput} channels`);
    }
    if (i > 0) {
      const prevHead = arrays[i - 1]!.headSize;
      const headIn = a.head1x1.active ? a.head1x1.outChannels : a.bottleneck;
      if (prevHead !== headIn) {
        throw new NamError('invalid-config', `${a.path}`, `its head input has ${headIn} channels, but the previous array's head_size is ${prevHead}`);
      }
    }
  }

  let postHead: PostHeadSpec | null = null;
  const head = config.optionalChild('head');
  if (head) {
    const kernelSizes = head.intArray('kernel_sizes');
    if (kernelSizes.length === 0) head.fail('kernel_sizes', 'must not be empty');
    const implied = arrays[arrays.length - 1]!.headSize;
    if (head.has('in_channels') && head.int('in_channels') !== implied) {
      head.fail('in_channels', `must equal the last array's head_size (${implied})`);
    }
    postHead = {
      inChannels: implied,
      channels: head.int('channels'),
      outChannels: head.int('out_channels'),
      kernelSizes,
      activation: parseActivation(head.raw('activation') ?? 'Identity', head.at('activation'), { fastTanh }),
    };
  }

  const conditionDsp = config.raw('condition_dsp') ?? null;
  return { inChannels, arrays, postHead, headScale: config.number('head_scale', 1), conditionDsp };
}

/** Width of a layer's z (conv output): doubled for gated and blended layers. */
export function zWidth(a: LayerArraySpec, l: LayerSpec): number {
  return l.gating === 'none' ? a.bottleneck : 2 * a.bottleneck;
}

/** Channels feeding an array's head accumulator. */
export function headInputWidth(a: LayerArraySpec): number {
  return a.head1x1.active ? a.head1x1.outChannels : a.bottleneck;
}

/** FiLM slot → width of the signal it modulates. */
export function filmWidth(a: LayerArraySpec, l: LayerSpec, slot: FilmSlot): number {
  switch (slot) {
    case 'conv_pre_film':
      return a.channels;
    case 'input_mixin_pre_film':
      return a.conditionSize;
    case 'conv_post_film':
    case 'input_mixin_post_film':
    case 'activation_pre_film':
      return zWidth(a, l);
    case 'activation_post_film':
      return a.bottleneck;
    case 'layer1x1_post_film':
      return a.channels;
    case 'head1x1_post_film':
      return a.head1x1.outChannels;
  }
}

export function layerWeightCount(a: LayerArraySpec, l: LayerSpec): number {
  const z = zWidth(a, l);
  let n = convWeightCount({ inChannels: a.channels, outChannels: z, kernelSize: l.kernelSize, dilation: l.dilation, groups: a.groupsInput, bias: true });
  n += convWeightCount({ inChannels: a.conditionSize, outChannels: z, kernelSize: 1, dilation: 1, groups: a.groupsInputMixin, bias: false });
  if (a.layer1x1.active) n += convWeightCount({ inChannels: a.bottleneck, outChannels: a.channels, kernelSize: 1, dilation: 1, groups: a.layer1x1.groups, bias: true });
  if (a.head1x1.active) n += convWeightCount({ inChannels: a.bottleneck, outChannels: a.head1x1.outChannels, kernelSize: 1, dilation: 1, groups: a.head1x1.groups, bias: true });
  for (const slot of FILM_SLOTS) {
    const f = a.films[slot];
    if (f.active) n += filmWeightCount(a.conditionSize, filmWidth(a, l, slot), f);
  }
  return n;
}

export function arrayWeightCount(a: LayerArraySpec): number {
  let n = a.inputSize * a.channels; // rechannel, no bias
  for (const l of a.layers) n += layerWeightCount(a, l);
  n += convWeightCount({ inChannels: headInputWidth(a), outChannels: a.headSize, kernelSize: a.headKernelSize, dilation: a.headDilation, groups: 1, bias: a.headBias });
  return n;
}

export function postHeadConvShapes(h: PostHeadSpec): { inChannels: number; outChannels: number; kernelSize: number }[] {
  let cin = h.inChannels;
  return h.kernelSizes.map((k, i) => {
    const cout = i === h.kernelSizes.length - 1 ? h.outChannels : h.channels;
    const s = { inChannels: cin, outChannels: cout, kernelSize: k };
    cin = cout;
    return s;
  });
}

/** Weights the spec needs: arrays, post-stack head, then the trailing head_scale. */
export function waveNetWeightCount(spec: WaveNetSpec): number {
  let n = 0;
  for (const a of spec.arrays) n += arrayWeightCount(a);
  if (spec.postHead) {
    for (const s of postHeadConvShapes(spec.postHead)) n += convWeightCount({ ...s, dilation: 1, groups: 1, bias: true });
  }
  return n + 1;
}

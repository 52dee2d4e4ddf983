/**
 * Slimmable WaveNet (NeuralAmpModelerCore `slimmable_wavenet::SlimmableWavenet`, method
 * `slice_channels_uniform`): a WaveNet trained so that its first c channels form a smaller model.
 *
 *   per array: channels' = allowed[min(floor(slim·n), n−1)]   (arrays without `slimmable` keep theirs)
 *   bottleneck' = layer1x1 active ? max(1, bottleneck·channels'/channels) : channels'
 *   input_size' of array i>0 = channels' of array i−1; head_size' of array i<last = channels' of i+1
 *   weights' = the leading rows/columns of every conv, walked in file order
 *
 * This is a pure rewrite of (config, weights) into a plain WaveNet's (config, weights); the result
 * is then built like any other WaveNet. Only groups = 1, head kernel 1 and no post-stack head are
 * slimmable, as in the core.
 */
import { ConfigReader, type Json, type JsonObject } from '../config-reader.ts';
import { NamError } from '../errors.ts';
import { FILM_SLOTS, parseWaveNetConfig, waveNetWeightCount, zWidth, type LayerArraySpec } from './config.ts';
import { expectWeightCount } from '../weights.ts';

const METHOD = 'slice_channels_uniform';

/** True when some layer array declares itself slimmable with the supported method. */
export function isSlimmableWaveNet(config: ConfigReader): boolean {
  const layers = config.raw('layers');
  if (!Array.isArray(layers)) return false;
  let found = false;
  layers.forEach((la, i) => {
    const s = ConfigReader.of(la, `${config.at('layers')}[${i}]`).optionalChild('slimmable');
    if (!s) return;
    const method = s.string('method', '');
    if (method === METHOD) found = true;
    else if (method !== '') throw new NamError('unsupported-feature', s.at('method'), `unknown slimmable method "${method}" (known: ${METHOD})`);
  });
  return found;
}

function allowedChannels(la: ConfigReader, full: number): number[] | null {
  const s = la.optionalChild('slimmable');
  if (!s) return null;
  const allowed = s.child('kwargs').intArray('allowed_channels');
  if (allowed.length === 0) return null;
  for (let i = 1; i < allowed.length; i++) if (allowed[i]! <= allowed[i - 1]!) s.fail('kwargs.allowed_channels', 'must be sorted ascending');
  if (allowed[allowed.length - 1] !== full) s.fail('kwargs.allowed_channels', `must end with the full channel count ${full}`);
  return allowed;
}

/** Copies the leading [slimOut × slimIn × K] block of a [fullOut × fullIn × K] conv, then its bias. */
function sliceConv(src: Float32Array, pos: { i: number }, dst: number[], fullIn: number, fullOut: number, slimIn: number, slimOut: number, K: number, bias: boolean): void {
  for (let o = 0; o < fullOut; o++) {
    for (let i = 0; i < fullIn; i++) {
      for (let k = 0; k < K; k++) {
        const w = src[pos.i++]!;
        if (o < slimOut && i < slimIn) dst.push(w);
      }
    }
  }
  if (bias) {
    for (let o = 0; o < fullOut; o++) {
      const b = src[pos.i++]!;
      if (o < slimOut) dst.push(b);
    }
  }
}

export function slimWaveNet(config: ConfigReader, weights: Float32Array, slim: number): { config: JsonObject; weights: Float32Array } {
  const spec = parseWaveNetConfig(config, false);
  expectWeightCount(waveNetWeightCount(spec), weights.length);
  if (spec.postHead) config.fail('head', 'a slimmable WaveNet cannot have a post-stack head');
  const layersJson = config.array('layers');
  const channels = spec.arrays.map((a, i) => {
    const allowed = allowedChannels(ConfigReader.of(layersJson[i], a.path), a.channels);
    if (!allowed) return a.channels;
    return allowed[Math.min(Math.floor(slim * allowed.length), allowed.length - 1)]!;
  });

  const bottleneckFor = (a: LayerArraySpec, ch: number): number => (a.layer1x1.active ? Math.max(1, Math.floor((a.bottleneck * ch) / a.channels)) : ch);
  const out: number[] = [];
  const pos = { i: 0 };
  const newLayers: Json[] = [];
  spec.arrays.forEach((a, ai) => {
    if (a.headKernelSize !== 1) throw new NamError('unsupported-feature', `${a.path}.head.kernel_size`, 'slimming needs a head kernel of 1');
    if (a.groupsInput !== 1 || a.groupsInputMixin !== 1 || (a.layer1x1.active && a.layer1x1.groups !== 1) || (a.head1x1.active && a.head1x1.groups !== 1)) {
      throw new NamError('unsupported-feature', a.path, 'slimming needs every group count to be 1');
    }
    const ch = channels[ai]!;
    const bn = bottleneckFor(a, ch);
    const inSize = ai === 0 ? a.inputSize : channels[ai - 1]!;
    const headSize = ai < spec.arrays.length - 1 ? channels[ai + 1]! : a.headSize;
    const cs = a.conditionSize;
    sliceConv(weights, pos, out, a.inputSize, a.channels, inSize, ch, 1, false);
    for (const l of a.layers) {
      const zFull = zWidth(a, l);
      const zSlim = l.gating === 'none' ? bn : 2 * bn;
      sliceConv(weights, pos, out, a.channels, zFull, ch, zSlim, l.kernelSize, true);
      sliceConv(weights, pos, out, cs, zFull, cs, zSlim, 1, false);
      if (a.layer1x1.active) sliceConv(weights, pos, out, a.bottleneck, a.channels, bn, ch, 1, true);
      if (a.head1x1.active) sliceConv(weights, pos, out, a.bottleneck, a.head1x1.outChannels, bn, a.head1x1.outChannels, 1, true);
      for (const slot of FILM_SLOTS) {
        const f = a.films[slot];
        if (!f.active) continue;
        const m = f.shift ? 2 : 1;
        const [full, slimW] =
          slot === 'conv_pre_film' || slot === 'layer1x1_post_film' ? [a.channels, ch]
          : slot === 'input_mixin_pre_film' ? [cs, cs]
          : slot === 'activation_post_film' ? [a.bottleneck, bn]
          : slot === 'head1x1_post_film' ? [a.head1x1.outChannels, a.head1x1.outChannels]
          : [zFull, zSlim];
        // A FiLM's scale and shift halves are sliced as one conv of (m·width) rows, as the core does.
        sliceConv(weights, pos, out, cs, m * full, cs, m * slimW, 1, true);
      }
    }
    const headInFull = a.head1x1.active ? a.head1x1.outChannels : a.bottleneck;
    const headInSlim = a.head1x1.active ? a.head1x1.outChannels : bn;
    sliceConv(weights, pos, out, headInFull, a.headSize, headInSlim, headSize, 1, a.headBias);

    const la: JsonObject = { ...ConfigReader.of(layersJson[ai], a.path).obj };
    delete la['slimmable'];
    la['channels'] = ch;
    la['input_size'] = inSize;
    if (la['bottleneck'] !== undefined) la['bottleneck'] = bn;
    if (la['head'] !== undefined && la['head'] !== null) la['head'] = { ...(la['head'] as JsonObject), out_channels: headSize };
    else la['head_size'] = headSize;
    newLayers.push(la);
  });
  out.push(weights[pos.i++]!); // head_scale
  if (pos.i !== weights.length) {
    throw new NamError('weight-count', 'weights', `this config needs ${pos.i} values, the file has ${weights.length}`);
  }
  return { config: { ...config.obj, layers: newLayers }, weights: Float32Array.from(out) };
}

/**
 * A parameterised form of the default model's construction (scripts/lib/default-model-design.ts), so
 * that other voices can be built the same way: the same A1 WaveNet layout, the same three building
 * blocks (ε-linear FIR rows, truncated one-pole sections from dilations 1…512, partial-fraction
 * read-outs), the same filter sections and the same loudness measurement. Only the constants differ.
 *
 * The filter helpers, the config, the loudness measurement and the float formatting are imported from
 * the default design; the weight construction and the file layout live here, and the default model
 * itself is built with them (`designWeights()` is `designWeightsFor(DESIGN)`).
 *
 * The topology is fixed by the config: the pre-EQ must have one real pole and two complex pairs
 * (high-pass · peak · low-pass), the post-EQ one real pole and one pair, the DC blocker one real pole.
 */
import {
  DEFAULT_MODEL_CONFIG,
  LOUDNESS_INPUT_RMS_DBFS,
  LOUDNESS_INPUT_SECONDS,
  MODEL_DATE,
  SAMPLE_RATE,
  TRUNCATION,
  formatFloat32,
  highPass1,
  lowPass2,
  lowPass2SingleZero,
  measureLoudness,
  partialFractions,
  peak2,
  type PartialFractions,
  type Section,
} from './default-model-design.ts';
import { a1WeightCount, type A1WaveNetConfig } from './wavenet-a1-reference.ts';

/** The constants of a constructed model, shaped like the default model's `DESIGN`. */
export interface ModelDesign {
  epsilon: number;
  pre: { highPassHz: number; peakHz: number; peakQ: number; peakDb: number; lowPassHz: number; lowPassQ: number };
  preampGain: number;
  preampBias: number;
  post: { highPassHz: number; lowPassHz: number; lowPassQ: number };
  powerGain: number;
  dcBlockHz: number;
  outputScale: number;
  headScale: number;
}

/** The model's descriptive metadata (loudness is measured, everything else is given). */
export interface ModelIdentity {
  name: string;
  gearModel: string;
  toneType: string;
  /** The `training.note`: how the file was made. */
  note: string;
}

// ───────────────────────────────────────── complex numbers ─────────────────────────────────────────

interface Complex {
  re: number;
  im: number;
}
const cx = (re: number, im = 0): Complex => ({ re, im });
const csub = (a: Complex, b: Complex): Complex => cx(a.re - b.re, a.im - b.im);
const cmul = (a: Complex, b: Complex): Complex => cx(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);
const cdiv = (a: Complex, b: Complex): Complex => {
  const d = b.re * b.re + b.im * b.im;
  return cx((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d);
};
const cabs = (a: Complex): number => Math.hypot(a.re, a.im);
function cpow(a: Complex, n: number): Complex {
  let out = cx(1);
  let base = a;
  for (let k = n; k > 0; k >>= 1) {
    if (k & 1) out = cmul(out, base);
    base = cmul(base, base);
  }
  return out;
}

// ───────────────────────────────────────── weight tensors ─────────────────────────────────────────

interface LayerWeights {
  conv: number[][][];
  convBias: number[];
  mixin: number[][];
  w1: number[][];
  b1: number[];
}

interface ArrayWeights {
  rechannel: number[][];
  layers: LayerWeights[];
  head: number[][];
  headBias: number[];
}

type LayerConfig = A1WaveNetConfig['layers'][number];

const zeros = (n: number): number[] => new Array<number>(n).fill(0);
const zeros2 = (n: number, m: number): number[][] => Array.from({ length: n }, () => zeros(m));

function emptyArray(cfg: LayerConfig): ArrayWeights {
  const C = cfg.channels;
  return {
    rechannel: zeros2(C, cfg.input_size),
    layers: cfg.dilations.map(() => ({
      conv: Array.from({ length: C }, () => zeros2(C, cfg.kernel_size)),
      convBias: zeros(C),
      mixin: zeros2(C, cfg.condition_size),
      w1: zeros2(C, C),
      b1: zeros(C),
    })),
    head: zeros2(cfg.head_size, C),
    headBias: zeros(cfg.head_size),
  };
}

function flatten(config: A1WaveNetConfig, arrays: ArrayWeights[], headScale: number): number[] {
  const out: number[] = [];
  for (const [i, arr] of arrays.entries()) {
    const cfg = config.layers[i]!;
    for (const row of arr.rechannel) out.push(...row);
    for (const l of arr.layers) {
      for (const row of l.conv) for (const taps of row) out.push(...taps);
      out.push(...l.convBias);
      for (const row of l.mixin) out.push(...row);
      for (const row of l.w1) out.push(...row);
      out.push(...l.b1);
    }
    for (const row of arr.head) out.push(...row);
    if (cfg.head_bias) out.push(...arr.headBias);
  }
  out.push(headScale);
  return out;
}

// ───────────────────────────────────────── pole channels ─────────────────────────────────────────

function fixDcZero(pf: PartialFractions, n = TRUNCATION): PartialFractions {
  const dcOf = (p: Complex, r: Complex): Complex => cdiv(cmul(r, csub(cx(1), cpow(p, n))), csub(cx(1), p));
  let best = -1;
  for (const [i, t] of pf.terms.entries()) if (!t.pair && (best < 0 || t.pole.re > pf.terms[best]!.pole.re)) best = i;
  if (best < 0) throw new Error('fixDcZero: no real pole');
  let rest = pf.direct;
  for (const [i, t] of pf.terms.entries()) if (i !== best) rest += (t.pair ? 2 : 1) * dcOf(t.pole, t.residue).re;
  const p = pf.terms[best]!.pole.re;
  const terms = pf.terms.map((t, i) => (i === best ? { ...t, residue: cx((-rest * (1 - p)) / (1 - Math.pow(p, n))) } : t));
  return { direct: pf.direct, terms };
}

interface PoleChannel {
  pole: Complex;
  residue: Complex;
  pair: boolean;
  channel: number;
  row: number;
  imChannel: number;
  imRow: number;
  sigma: number;
}

function poleChannels(pf: PartialFractions, channels: number[], rows: number[]): PoleChannel[] {
  let k = 0;
  return pf.terms.map((t) => {
    const pc: PoleChannel = {
      ...t,
      channel: channels[k]!,
      row: rows[k]!,
      imChannel: t.pair ? channels[k + 1]! : -1,
      imRow: t.pair ? rows[k + 1]! : -1,
      sigma: 1 - cabs(t.pole),
    };
    k += t.pair ? 2 : 1;
    if (k > channels.length || k > rows.length) throw new Error('poleChannels: not enough channels/rows');
    return pc;
  });
}

function addPoleUpdate(layer: LayerWeights, pc: PoleChannel, d: number, eps: number): void {
  const pd = cpow(pc.pole, d);
  layer.conv[pc.row]![pc.channel]![1] = eps * pd.re;
  layer.w1[pc.channel]![pc.row] = 1 / eps;
  if (!pc.pair) return;
  layer.conv[pc.row]![pc.imChannel]![1] = -eps * pd.im;
  layer.conv[pc.imRow]![pc.channel]![1] = eps * pd.im;
  layer.conv[pc.imRow]![pc.imChannel]![1] = eps * pd.re;
  layer.w1[pc.imChannel]![pc.imRow] = 1 / eps;
}

function addPoleReadout(layer: LayerWeights, row: number, pc: PoleChannel, d: number, gain: number): void {
  for (let j = 0; j < 3; j++) {
    const tap = 2 - j;
    const c = cmul(cdiv(pc.residue, cx(pc.sigma)), cpow(pc.pole, j * d));
    if (!pc.pair) {
      layer.conv[row]![pc.channel]![tap] = gain * c.re;
    } else {
      layer.conv[row]![pc.channel]![tap] = 2 * gain * c.re;
      layer.conv[row]![pc.imChannel]![tap] = -2 * gain * c.im;
    }
  }
}

// ───────────────────────────────────────── the design ─────────────────────────────────────────

export function preEqSectionsFor(d: ModelDesign): Section[] {
  const p = d.pre;
  return [highPass1(p.highPassHz), peak2(p.peakHz, p.peakQ, p.peakDb), lowPass2(p.lowPassHz, p.lowPassQ)];
}

export function postEqSectionsFor(d: ModelDesign): Section[] {
  const p = d.post;
  return [highPass1(p.highPassHz), lowPass2SingleZero(p.lowPassHz, p.lowPassQ)];
}

export function dcBlockSectionsFor(d: ModelDesign): Section[] {
  return [highPass1(d.dcBlockHz)];
}

/** The config for a design: the default model's, with the design's head scale. */
export function modelConfigFor(d: ModelDesign): A1WaveNetConfig {
  return { ...DEFAULT_MODEL_CONFIG, head_scale: d.headScale };
}

/** The weights (float64, head_scale last) of a design. */
export function designWeightsFor(design: ModelDesign): number[] {
  const cfg = modelConfigFor(design);
  const eps = design.epsilon;
  const [cfg0, cfg1] = cfg.layers as [LayerConfig, LayerConfig];
  const a0 = emptyArray(cfg0);
  const a1 = emptyArray(cfg1);
  const D = 512;
  const sweep = cfg0.dilations.length - 1;
  if (cfg0.dilations[sweep] !== D || cfg1.dilations[sweep] !== D || cfg1.dilations[2 * sweep + 1] !== D) {
    throw new Error('design: unexpected dilations');
  }

  // Array 0: pre-EQ poles in channels 0…4, preamp row 5 in the d = 512 layer.
  const pre = fixDcZero(partialFractions(preEqSectionsFor(design)));
  const prePoles = poleChannels(pre, [0, 1, 2, 3, 4], [0, 1, 2, 3, 4]);
  const PREAMP = 5;
  for (const pc of prePoles) a0.rechannel[pc.channel]![0] = pc.sigma;
  for (let l = 0; l < sweep; l++) for (const pc of prePoles) addPoleUpdate(a0.layers[l]!, pc, cfg0.dilations[l]!, eps);
  const g = design.preampGain;
  const b = design.preampBias;
  const pa = a0.layers[sweep]!;
  for (const pc of prePoles) addPoleReadout(pa, PREAMP, pc, D, g);
  pa.mixin[PREAMP]![0] = g * pre.direct;
  pa.convBias[PREAMP] = b;
  pa.w1[PREAMP]![PREAMP] = 1;
  pa.b1[PREAMP] = -Math.tanh(b);

  // Array 1, first sweep: post-EQ poles; the power stage in its d = 512 layer.
  const post = fixDcZero(partialFractions(postEqSectionsFor(design)));
  if (post.direct !== 0) throw new Error('design: the post-EQ must be strictly proper (no direct term)');
  const postPoles = poleChannels(post, [0, 1, 2], [0, 1, 2]);
  for (const pc of postPoles) a1.rechannel[pc.channel]![PREAMP] = pc.sigma;
  for (let l = 0; l < sweep; l++) for (const pc of postPoles) addPoleUpdate(a1.layers[l]!, pc, cfg1.dilations[l]!, eps);
  const dc = fixDcZero(partialFractions(dcBlockSectionsFor(design)));
  const [dcPole] = poleChannels(dc, [4], [0]) as [PoleChannel];
  const POWER = 3;
  const P = 3;
  const pw = a1.layers[sweep]!;
  for (const pc of postPoles) addPoleReadout(pw, POWER, pc, D, design.powerGain);
  pw.w1[P]![POWER] = 1;
  pw.w1[dcPole.channel]![POWER] = dcPole.sigma;

  // Array 1, second sweep: the DC blocker's pole, then the linear output row.
  for (let l = sweep + 1; l < 2 * sweep + 1; l++) addPoleUpdate(a1.layers[l]!, dcPole, cfg1.dilations[l]!, eps);
  const OUT = 4;
  const out = a1.layers[2 * sweep + 1]!;
  out.conv[OUT]![P]![2] = eps * dc.direct;
  addPoleReadout(out, OUT, dcPole, D, eps);
  a1.head[0]![OUT] = design.outputScale / (eps * design.headScale);

  const weights = flatten(cfg, [a0, a1], design.headScale);
  if (weights.length !== a1WeightCount(cfg)) throw new Error(`design: ${weights.length} weights, config needs ${a1WeightCount(cfg)}`);
  return weights;
}

// ───────────────────────────────────────── the file ─────────────────────────────────────────

/** The float32 weights as they ship (tiny round-off weights zeroed, as for the default model). */
export function shippedWeightsFor(design: ModelDesign): number[] {
  return designWeightsFor(design).map((w) => (Math.abs(w) < 1e-30 ? 0 : Math.fround(w)));
}

/** The complete `.nam` text of a design, formatted exactly as the default model's file. */
export function makeModelText(design: ModelDesign, id: ModelIdentity): string {
  const config = modelConfigFor(design);
  const weights = shippedWeightsFor(design);
  const loudness = Math.round(measureLoudness(config, weights) * 100) / 100;
  const pre = design.pre;
  const post = design.post;
  const header = {
    version: '0.5.4',
    metadata: {
      name: id.name,
      modeled_by: 'nam-rig',
      gear_type: 'amp',
      gear_make: 'nam-rig',
      gear_model: id.gearModel,
      tone_type: id.toneType,
      loudness,
      input_level_dbu: 12,
      output_level_dbu: 12,
      date: MODEL_DATE,
      training: {
        trained: false,
        constructed: true,
        note: id.note,
        chain:
          `pre-EQ (high-pass ${pre.highPassHz} Hz, peak ${pre.peakHz} Hz +${pre.peakDb} dB, low-pass ${pre.lowPassHz} Hz) -> ` +
          `preamp tanh(${design.preampGain}x + ${design.preampBias}) -> post-EQ (high-pass ${post.highPassHz} Hz, ` +
          `low-pass ${post.lowPassHz} Hz Q ${post.lowPassQ}) -> power stage tanh(${design.powerGain}x) -> ` +
          `high-pass ${design.dcBlockHz} Hz -> x${design.outputScale}`,
        loudness_measurement:
          `RMS dB of the model output for a synthetic Karplus-Strong guitar signal at ${LOUDNESS_INPUT_RMS_DBFS} dBFS RMS ` +
          `(${LOUDNESS_INPUT_SECONDS} s), float64 reference forward pass`,
      },
    },
    architecture: 'WaveNet',
    config,
    sample_rate: SAMPLE_RATE,
  };
  const lines: string[] = [];
  for (let i = 0; i < weights.length; i += 8) lines.push('    ' + weights.slice(i, i + 8).map(formatFloat32).join(', '));
  const head = JSON.stringify(header, null, 2).replace(/\[\n\s+([-0-9.e,\s]+?)\n\s*\]/g, (_m, inner: string) => `[${inner.split(/,\s*/).join(', ')}]`);
  return head.slice(0, head.lastIndexOf('}')).trimEnd() + ',\n  "weights": [\n' + lines.join(',\n') + '\n  ]\n}\n';
}

// ───────────────────────────────────────── the voices ─────────────────────────────────────────

/**
 * "nam-rig Clean Edge": a brighter, cleaner voice. Less preamp gain and bias (nearly linear at normal
 * picking, breaking up when hit hard), a lower bass cut, an upper-mid/presence lift instead of the
 * 800 Hz hump, and a more open top end.
 */
export const CLEAN_EDGE_DESIGN: ModelDesign = {
  epsilon: 1e-4,
  pre: {
    highPassHz: 90,
    peakHz: 2200,
    peakQ: 0.8,
    peakDb: 4,
    lowPassHz: 10000,
    lowPassQ: Math.SQRT1_2,
  },
  preampGain: 1.6,
  preampBias: 0.05,
  post: {
    highPassHz: 60,
    lowPassHz: 8500,
    lowPassQ: 0.85,
  },
  powerGain: 1.3,
  dcBlockHz: 25,
  outputScale: 0.7,
  headScale: 0.5,
};

export const CLEAN_EDGE_IDENTITY: ModelIdentity = {
  name: 'nam-rig Clean Edge',
  gearModel: 'Clean Edge',
  toneType: 'clean',
  note:
    'Not trained and not derived from any capture: the weights are constructed analytically by ' +
    'scripts/make-factory-presets.ts (design in scripts/lib/model-design.ts, the method of scripts/lib/default-model-design.ts).',
};

export function makeCleanEdgeModelText(): string {
  return makeModelText(CLEAN_EDGE_DESIGN, CLEAN_EDGE_IDENTITY);
}

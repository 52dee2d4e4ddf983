/**
 * The types every rig block is declared with. Each block lives in one module under `blocks/` and
 * exports one `BlockManifest`: its id, its parameters (declared here once, and nowhere else) and a
 * pure graph function on `@elemaudio/core` nodes. The registry (`registry.ts`) derives everything
 * else from the manifests: defaults, the flat parameter index for the UI/CLI/presets/host, clamping
 * and command-line parsing.
 *
 * Live values. A graph function never bakes a knob's number into the graph. It reads parameters
 * through `ParamValues`, which hands back nodes: `raw(id)` is the live value itself (the engine backs
 * it with a `Renderer.createRef('const', …)` node, so moving a knob is one property update and no
 * re-render), `param(id)` is the same value through `el.sm` (a 20 ms one-pole), which is what audio-rate
 * gains and filter coefficients should read. Discrete choices (on/off, enums) are read raw, compared,
 * and the *result* is smoothed, so switching is click-free too.
 *
 * Values are numbers throughout: dB, knob positions, 0/1 for on/off, the option index for enums.
 */
import type { NodeRepr_t } from '@elemaudio/core';
import type { Signal } from './signal-math.ts';

/** What a parameter's number means, for display. */
export type ParamUnit = 'dB' | 'dBu' | '' | 'Hz' | 'on/off' | 'enum';

/** How a control maps its travel to the value: evenly, or evenly in log(value) (frequencies). */
export type ParamTaper = 'linear' | 'log';

/**
 * Who moves a parameter. `user` parameters appear in the UI, on the command line, in presets and as
 * host parameters. `engine` parameters are live values the engine itself drives (e.g. the cab's IR
 * crossfade); they get refs and defaults like any other, but no control.
 */
export type ParamScope = 'user' | 'engine';

/** One parameter of one block. `Id` is the parameter's id within its block (no dots). */
export interface ParamSpec<Id extends string = string> {
  readonly id: Id;
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly default: number;
  readonly unit: ParamUnit;
  readonly taper: ParamTaper;
  /** For `enum` parameters: the option names; the value is the index (min 0, max options.length − 1). */
  readonly options?: readonly string[];
  /** Control resolution (display and UI steps). Discrete parameters (on/off, enum) have step 1. */
  readonly step?: number;
  /** Default `user`. */
  readonly scope?: ParamScope;
}

/** A rig-wide parameter id: `blockId.paramId`, e.g. `tone.bass`. */
export type QualifiedId = `${string}.${string}`;

/**
 * A named resource slot a block reads from Elementary's virtual file system (an IR, …). The engine
 * loads the data under a VFS key and tells the graph the key; changing a key re-renders the graph.
 */
export interface ResourceSpec<Id extends string = string> {
  readonly id: Id;
  readonly label: string;
  readonly kind: 'ir';
}

/**
 * A block's view of its live values, handed to its graph functions. `P` is the union of the block's
 * own parameter ids and `R` of its resource ids, so a typo is a compile error inside the block. A
 * block may also read another block's parameter by its qualified id (`input.calibrationLevel`); the
 * registry checks at build time that every id read exists.
 */
export interface ParamValues<P extends string = string, R extends string = string> {
  /** The live value, smoothed by `el.sm` (20 ms one-pole): for gains and coefficients. */
  param(id: P | QualifiedId): NodeRepr_t;
  /** The live value as it is (it steps when the control moves): for comparisons of discrete values. */
  raw(id: P | QualifiedId): NodeRepr_t;
  /** The VFS key currently loaded in one of this block's resource slots, or undefined when empty. */
  resource(id: R): string | undefined;
  /**
   * One of the loaded model's levels (`ModelLevels`) as signals. In a running rig they are live
   * nodes, updated when a model with other metadata loads, without a re-render (so the smoothers that
   * read them glide from the old level to the new one); from a static source, the numbers of `ctx.model`.
   */
  level(name: ModelLevelName, ctx: RigContext): LevelSignal;
}

/** Level metadata of the loaded `.nam` model. A missing field means "not given": no adjustment. */
export interface ModelLevels {
  /** `metadata.loudness` (dB): used by the Normalized output mode. */
  readonly loudness?: number;
  /** `metadata.input_level_dbu`: used by input calibration. */
  readonly inputLevelDbu?: number;
  /** `metadata.output_level_dbu`: used by the Calibrated output mode. */
  readonly outputLevelDbu?: number;
}

export type ModelLevelName = keyof ModelLevels;

export const MODEL_LEVEL_NAMES: readonly ModelLevelName[] = ['loudness', 'inputLevelDbu', 'outputLevelDbu'];

/** A model level as signals: `given` is 1 when the model gives it, else 0 (and `value` is 0). */
export interface LevelSignal {
  readonly value: Signal;
  readonly given: Signal;
}

/** `levels[name]` as numbers. */
export function levelNumbers(levels: ModelLevels, name: ModelLevelName): { value: number; given: number } {
  const v = levels[name];
  return v === undefined ? { value: 0, given: 0 } : { value: v, given: 1 };
}

/**
 * What a graph function may know besides its parameters. Changing any of it means a re-render (the
 * model's levels reach the built-in blocks live, through `ParamValues.level`: their re-render creates
 * no new nodes).
 */
export interface RigContext {
  /** The rate the Elementary graph runs at (the host's rate), in Hz. */
  readonly sampleRate: number;
  /** The loaded model's level metadata (empty when no model is loaded). */
  readonly model: ModelLevels;
}

/** Where a block's sidechain reads its signal. Only one point exists today: the model's input. */
export type SidechainTap = 'model-input';

/**
 * A measurement a block takes at an earlier point of the chain than where it acts. The gate's
 * trigger measures the signal entering the model; its gain acts after the model. The sidechain's
 * output reaches the block's `graph` as its fourth argument.
 */
export interface Sidechain<P extends string = string, R extends string = string> {
  readonly tap: SidechainTap;
  graph(input: NodeRepr_t, params: ParamValues<P, R>, ctx: RigContext): NodeRepr_t;
}

/** One block of the rig, declared once. */
export interface BlockManifest<P extends string = string, R extends string = string> {
  /** Lower camel case, no dots: the prefix of its qualified parameter ids (`tone` → `tone.bass`). */
  readonly id: string;
  readonly label: string;
  readonly params: readonly ParamSpec<P>[];
  readonly resources?: readonly ResourceSpec<R>[];
  readonly sidechain?: Sidechain<P, R>;
  /**
   * The block's audio graph: a pure function from its input signal to its output signal.
   * `sidechain` is the output of `this.sidechain.graph` when the block declares one, else undefined.
   */
  graph(input: NodeRepr_t, params: ParamValues<P, R>, ctx: RigContext, sidechain?: NodeRepr_t): NodeRepr_t;
}

/** Any block, whatever its parameter ids: what the registry holds. */
export type AnyBlock = BlockManifest<string, string>;

/**
 * Declares a block, inferring its parameter and resource ids as literal types so that
 * `params.param('bsas')` inside the block fails to compile.
 */
export function defineBlock<const P extends string, const R extends string = never>(block: BlockManifest<P, R>): BlockManifest<P, R> {
  return block;
}

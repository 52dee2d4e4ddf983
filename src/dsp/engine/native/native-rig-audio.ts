/**
 * The plugin's audio side, as the audio V8 isolate runs it: a `RigAudio` (Elementary pre graph → NAM
 * model → Elementary post graph) behind fixed, JS-owned I/O buffers that the C++ host memcpys into and
 * out of, plus the bypass crossfade of the web app.
 *
 * Per block the host calls `process(n, bypass)` only: nothing is allocated there in steady state
 * (RigEngine.process allocates nothing; the buffers are created here once). Changes arrive as
 * `apply(text, resources)` (the graph isolate's `WireOps`, op-wire.ts) between blocks; model ops are
 * built here (the model's wasm memory must live in this isolate), which the host runs while the audio
 * thread is kept out of the engine.
 */
import type { ElementaryModule } from '../elementary-runtime.ts';
import { RigAudio } from '../rig-audio.ts';
import { sidechainIds } from '../rig-graphs.ts';
import { BYPASS_FADE_S, crossfadeToDry } from '../worklet/bypass-crossfade.ts';
import { synthesizeDiClip } from '../../synth/karplus-strong.ts';
import { decodeOps } from './op-wire.ts';

export class NativeRigAudio {
  readonly sampleRate: number;
  readonly maxBlockSize: number;
  /** The host writes each block's mono input here (samples 0..n). */
  readonly input: Float32Array;
  /** The host reads each block's output from here. */
  readonly output: Float32Array;
  private readonly audio: RigAudio;
  private readonly module: ElementaryModule;
  private mix = 1;
  private readonly mixStep: number;

  constructor(module: ElementaryModule, sampleRate: number, maxBlockSize: number) {
    this.sampleRate = sampleRate;
    this.maxBlockSize = maxBlockSize;
    this.module = module;
    this.audio = new RigAudio({ sampleRate, maxBlockSize, sidechains: sidechainIds().length, module });
    this.input = new Float32Array(maxBlockSize);
    this.output = new Float32Array(maxBlockSize);
    this.mixStep = 1 / (BYPASS_FADE_S * sampleRate);
  }

  /** Renders `n` (≤ maxBlockSize) samples of `input` into `output`; bypass crossfades to the dry input. */
  process(n: number, bypass: boolean): void {
    this.audio.engine.process(this.input, this.output, n);
    const target = bypass ? 0 : 1;
    if (this.mix !== 1 || target !== 1) this.mix = crossfadeToDry(this.input, this.output, n, this.mix, target, this.mixStep);
  }

  /**
   * Queues one `WireOps` group on the engine (applied at the start of the next `process`). Model ops
   * are built now; a model that fails to build throws, and the playing model stays.
   */
  apply(text: string, resources: readonly Float32Array[]): void {
    for (const op of decodeOps(text, resources)) {
      if (op.kind === 'model') this.audio.setModel(op.text);
      else this.audio.apply([op]);
    }
  }

  /** Added latency in samples at the host's rate (0 unless the model runs at another rate). */
  latencySamples(): number {
    return this.audio.engine.latencySamples;
  }

  /** Which kernels the playing model runs on (`simd`, `relaxed-simd`, `js`), or '' before one. */
  kernels(): string {
    return this.audio.model?.kernels ?? '';
  }

  /**
   * Compiles the code paths real input takes (gate opening, the model's nonlinear range) before real time
   * starts, without touching this engine's state: a scratch `RigAudio` on the same Elementary module gets
   * the same op group as this engine got first (`text`, `resources`: graphs and model), plays `blocks`
   * blocks of a synthetic guitar DI (Karplus-Strong plucks) and is disposed. V8's type feedback and
   * optimised code are per function, so this engine then runs what the scratch one compiled.
   * Allocates (a whole second rig): call it from the host's warm-up, never per block.
   */
  warmUpWithSignal(blocks: number, text: string, resources: readonly Float32Array[]): void {
    const scratch = new RigAudio({ sampleRate: this.sampleRate, maxBlockSize: this.maxBlockSize, sidechains: sidechainIds().length, module: this.module });
    for (const op of decodeOps(text, resources)) {
      if (op.kind === 'model') scratch.setModel(op.text);
      else scratch.apply([op]);
    }
    const clip = synthesizeDiClip({ sampleRate: this.sampleRate, seconds: 2, seed: 7 });
    const n = this.maxBlockSize;
    const x = new Float32Array(n);
    const y = new Float32Array(n);
    for (let b = 0, at = 0; b < blocks; b++) {
      for (let i = 0; i < n; i++, at++) x[i] = clip[at % clip.length]!;
      scratch.engine.process(x, y, n);
    }
    scratch.engine.dispose();
  }

  /** Runs `blocks` silent blocks (the host's warm-up, so code is compiled before real time starts). */
  warmUp(blocks: number): void {
    this.input.fill(0);
    for (let i = 0; i < blocks; i++) this.process(this.maxBlockSize, false);
  }
}

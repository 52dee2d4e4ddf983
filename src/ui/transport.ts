/**
 * The one interface between the UI and the audio engine, whatever carries the messages.
 *
 *   web app: UI ⇄ AudioWorkletNode.port ⇄ engine in the AudioWorklet
 *   plugin:  UI ⇄ WebView bridge        ⇄ engine in the native host
 *
 * Everything that crosses it is plain data (numbers, strings, Float32Array), so each implementation
 * can post it as a structured-clone message or serialize it to JSON. Commands go one way (UI → engine)
 * and return nothing; the engine answers through the `on…` events (an error while loading a model is
 * an `onError`, a model that loaded is an `onModelInfo`). Each `on…` returns its unsubscribe function.
 *
 * The UI never does DSP: it parses files only to validate them and to show their metadata, then hands
 * the text or samples over.
 */
import type { QualifiedId } from '../dsp/rig/manifest.ts';

/** Stop listening. */
export type Unsubscribe = () => void;

/** What the UI shows about a loaded `.nam` model (from its file, or as the engine reports it). */
export interface ModelInfo {
  /** Display name: `metadata.name`, else the file name without `.nam`. */
  readonly name: string;
  readonly fileName: string;
  readonly gearMake?: string;
  readonly gearModel?: string;
  readonly gearType?: string;
  readonly toneType?: string;
  readonly modeledBy?: string;
  /** The model's sample rate in Hz (48000 when the file does not say; see `sampleRateGiven`). */
  readonly sampleRate: number;
  readonly sampleRateGiven: boolean;
  /** `metadata.loudness`, dB. */
  readonly loudness?: number;
  readonly architecture: string;
  /** Number of weights. */
  readonly weights: number;
  /** `.nam` format version. */
  readonly version: string;
}

/** What the UI shows about a loaded impulse response. */
export interface IrInfo {
  readonly name: string;
  readonly sampleRate: number;
  /** Samples (frames) in the IR as sent, mono. */
  readonly length: number;
  /** Channels in the file (the first one is sent). */
  readonly channels: number;
}

/**
 * One meter reading: the linear peak (max |x|, full scale 1.0) of the input (after the input gain)
 * and of the final output since the previous reading.
 */
export interface MeterReading {
  readonly in: number;
  readonly out: number;
}

/** Where an engine-side error came from. */
export type ErrorSource = 'model' | 'ir' | 'param' | 'engine';

export interface TransportError {
  readonly source: ErrorSource;
  /** One line, ready to show. */
  readonly message: string;
}

export interface RigTransport {
  /** Sets a user parameter (`tone.bass`, …) to a value inside its spec's range. */
  setParam(id: QualifiedId, value: number): void;
  /** Loads a `.nam` model from its text; `name` is for display. Answers with onModelInfo or onError. */
  loadModel(text: string, name: string): void;
  /** Loads a mono impulse response; the engine resamples it to its own rate. */
  loadIr(samples: Float32Array, sampleRate: number, name: string): void;
  /** True: the engine passes its input straight to its output. */
  setBypass(on: boolean): void;

  onMeters(cb: (reading: MeterReading) => void): Unsubscribe;
  onError(cb: (error: TransportError) => void): Unsubscribe;
  onModelInfo(cb: (info: ModelInfo) => void): Unsubscribe;
  /** A parameter changed from the engine's side (host automation, a preset loaded by the plugin). */
  onParam(cb: (id: QualifiedId, value: number) => void): Unsubscribe;
}

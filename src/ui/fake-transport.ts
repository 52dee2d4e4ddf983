/**
 * An in-memory `RigTransport` for tests and for running the UI before an engine is attached.
 * It records every command, keeps the last value of each parameter, and lets the caller fire
 * the engine's events (`emitMeters`, `emitError`, `emitModelInfo`, `emitParam`).
 * With `echoModels`, `loadModel` answers like an engine would: model info, or a one-line error.
 */
import type { QualifiedId } from '../dsp/rig/manifest.ts';
import { parseNam } from '../dsp/nam/file.ts';
import { describeModel } from './model-info.ts';
import { oneLine } from './messages.ts';
import type { MeterReading, ModelInfo, RigTransport, TransportError, Unsubscribe } from './transport.ts';

export type FakeCommand =
  | { readonly kind: 'setParam'; readonly id: QualifiedId; readonly value: number }
  | { readonly kind: 'loadModel'; readonly text: string; readonly name: string }
  | { readonly kind: 'loadIr'; readonly samples: Float32Array; readonly sampleRate: number; readonly name: string }
  | { readonly kind: 'setBypass'; readonly on: boolean };

export interface FakeTransport extends RigTransport {
  readonly commands: FakeCommand[];
  readonly params: Map<QualifiedId, number>;
  bypass: boolean;
  emitMeters(reading: MeterReading): void;
  emitError(error: TransportError): void;
  emitModelInfo(info: ModelInfo): void;
  emitParam(id: QualifiedId, value: number): void;
  /** Number of live subscriptions (to check components unsubscribe). */
  listenerCount(): number;
}

export interface FakeTransportOptions {
  /** Answer `loadModel` with `onModelInfo` (or `onError`) by parsing the text. Default false. */
  readonly echoModels?: boolean;
}

function channel<A extends unknown[]>() {
  const listeners = new Set<(...args: A) => void>();
  return {
    listeners,
    add(cb: (...args: A) => void): Unsubscribe {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    emit(...args: A): void {
      for (const cb of [...listeners]) cb(...args);
    },
  };
}

export function createFakeTransport(options: FakeTransportOptions = {}): FakeTransport {
  const meters = channel<[MeterReading]>();
  const errors = channel<[TransportError]>();
  const models = channel<[ModelInfo]>();
  const params = channel<[QualifiedId, number]>();
  const t: FakeTransport = {
    commands: [],
    params: new Map(),
    bypass: false,
    setParam(id, value) {
      t.commands.push({ kind: 'setParam', id, value });
      t.params.set(id, value);
    },
    loadModel(text, name) {
      t.commands.push({ kind: 'loadModel', text, name });
      if (!options.echoModels) return;
      try {
        models.emit(describeModel(parseNam(text), name));
      } catch (e) {
        errors.emit({ source: 'model', message: oneLine(e) });
      }
    },
    loadIr(samples, sampleRate, name) {
      t.commands.push({ kind: 'loadIr', samples, sampleRate, name });
    },
    setBypass(on) {
      t.commands.push({ kind: 'setBypass', on });
      t.bypass = on;
    },
    onMeters: meters.add,
    onError: errors.add,
    onModelInfo: models.add,
    onParam: params.add,
    emitMeters: meters.emit,
    emitError: errors.emit,
    emitModelInfo: models.emit,
    emitParam: params.emit,
    listenerCount: () => meters.listeners.size + errors.listeners.size + models.listeners.size + params.listeners.size,
  };
  return t;
}

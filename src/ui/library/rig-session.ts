/**
 * The rig as the UI last set it, recorded on the way to the engine, and the one way presets reach it.
 *
 * `createRigSession(inner)` wraps a `RigTransport` (its interface unchanged): the app talks to
 * `session.transport`, which forwards everything to `inner` and remembers the model text, the IR and
 * every parameter value it sent. `snapshot()` is that state: what "Save", "Share link" and the A/B
 * slots capture. A model counts once the engine loaded it (`onModelInfo`); one the engine refuses is
 * forgotten (the engine keeps playing the previous one).
 *
 * `apply(rig, overrides)` sends a `ReadyRig` (already validated, see ready-rig.ts): model, IR, then every
 * parameter (`overrides` win, e.g. the loudness-matched output mode), and reports the new values with
 * `onParam` so the controls follow. A rig without an IR switches the cab block off (the transport has
 * no "unload IR"), which sounds like no IR.
 */
import type { QualifiedId } from '../../dsp/rig/manifest.ts';
import { defaultParams } from '../../dsp/rig/registry.ts';
import type { RigTransport, Unsubscribe } from '../transport.ts';
import type { ReadyRig } from './ready-rig.ts';

export interface SessionModel {
  readonly text: string;
  /** Display name as sent to the engine. */
  readonly name: string;
  /** File name for saving (`<name>.nam` when the model came from elsewhere). */
  readonly fileName: string;
}

export interface SessionIr {
  readonly samples: Float32Array;
  readonly sampleRate: number;
  readonly name: string;
  /** The WAV it came from, when known (a preset's); else a save writes the samples as a float WAV. */
  readonly wav: Uint8Array | null;
}

export interface RigSnapshot {
  readonly model: SessionModel | null;
  readonly ir: SessionIr | null;
  readonly params: Readonly<Record<string, number>>;
}

export interface RigSession {
  /** Give this to the app: it records what it forwards. */
  readonly transport: RigTransport;
  snapshot(): RigSnapshot;
  /** Sends a validated rig to the engine; `overrides` replace some of its parameters. */
  apply(rig: ReadyRig, overrides?: Readonly<Record<string, number>>): void;
  /** Sets parameters from outside the controls (the engine gets them, the controls follow via onParam). */
  setParams(values: Readonly<Record<string, number>>): void;
  /** Called after every change of the recorded state. */
  onChange(cb: () => void): Unsubscribe;
}

function listeners<A extends unknown[]>() {
  const set = new Set<(...args: A) => void>();
  return {
    add(cb: (...args: A) => void): Unsubscribe {
      set.add(cb);
      return () => void set.delete(cb);
    },
    emit(...args: A): void {
      for (const cb of [...set]) cb(...args);
    },
  };
}

const nameToFile = (name: string): string => (/\.nam$/i.test(name) ? name : `${name}.nam`).replace(/[\\/\0]/g, '_');

export function createRigSession(inner: RigTransport): RigSession {
  let params: Record<string, number> = defaultParams();
  let confirmed: SessionModel | null = null;
  const pending: SessionModel[] = [];
  let ir: SessionIr | null = null;
  const changes = listeners<[]>();
  const paramEvents = listeners<[QualifiedId, number]>();

  inner.onModelInfo(() => {
    const next = pending.shift();
    if (next) confirmed = next;
    changes.emit();
  });
  inner.onError((e) => {
    if (e.source === 'model' && pending.length > 0) {
      pending.shift();
      changes.emit();
    }
  });
  inner.onParam((id, v) => {
    params = { ...params, [id]: v };
    paramEvents.emit(id, v);
    changes.emit();
  });

  const sendModel = (m: SessionModel): void => {
    pending.push(m);
    inner.loadModel(m.text, m.name);
  };
  const sendIr = (next: SessionIr): void => {
    ir = next;
    inner.loadIr(next.samples.slice(), next.sampleRate, next.name);
  };

  const setParams = (values: Readonly<Record<string, number>>): void => {
    for (const [id, v] of Object.entries(values)) {
      params = { ...params, [id]: v };
      inner.setParam(id as QualifiedId, v);
      paramEvents.emit(id as QualifiedId, v);
    }
    changes.emit();
  };

  const transport: RigTransport = {
    setParam(id, value) {
      params = { ...params, [id]: value };
      inner.setParam(id, value);
      changes.emit();
    },
    loadModel(text, name) {
      sendModel({ text, name, fileName: nameToFile(name) });
      changes.emit();
    },
    loadIr(samples, sampleRate, name) {
      sendIr({ samples: samples.slice(), sampleRate, name, wav: null });
      changes.emit();
    },
    setBypass: (on) => inner.setBypass(on),
    onMeters: (cb) => inner.onMeters(cb),
    onError: (cb) => inner.onError(cb),
    onModelInfo: (cb) => inner.onModelInfo(cb),
    onParam: (cb) => paramEvents.add(cb),
  };

  return {
    transport,
    snapshot: () => ({ model: pending.at(-1) ?? confirmed, ir, params }),
    apply(rig, overrides = {}) {
      sendModel({ text: rig.modelText, name: rig.modelName, fileName: rig.modelFileName });
      if (rig.ir) sendIr({ ...rig.ir, samples: rig.ir.samples.slice() });
      setParams({ ...rig.params, ...(rig.ir ? {} : { 'cab.enabled': 0 }), ...overrides });
    },
    setParams,
    onChange: (cb) => changes.add(cb),
  };
}

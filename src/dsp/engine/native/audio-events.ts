/**
 * The plugin's answers from the audio isolate to the graph isolate (native-host): how a stepped model
 * load ended, and the node ids an Elementary node gc freed. The audio side queues them as JSON texts
 * of at most a given length (the C++ host copies each into a preallocated slot, so the audio thread
 * never allocates for them); a long `pruned` id list is split into chunks (`more: true` on all but the
 * last), which `PrunedAssembler` joins again on the graph side.
 */
import type { GraphTarget } from '../rig-engine.ts';

export type AudioEvent =
  /** `latency`: the engine's added latency with this model, samples at the host's rate (for the host). */
  | { readonly type: 'loaded'; readonly seq: number; readonly latency: number }
  | { readonly type: 'modelError'; readonly seq: number; readonly message: string }
  | { readonly type: 'pruned'; readonly target: GraphTarget; readonly ids: readonly number[]; readonly more: boolean };

/** Room for the JSON around a `pruned` chunk's ids. */
const PRUNED_OVERHEAD = 64;
/** The most characters one id takes in JSON, with its comma (ids are non-negative integers below 2^53). */
const ID_CHARS = 17;

/** The `pruned` events for one gc answer, each at most `maxChars` long as JSON. */
export function prunedEvents(target: GraphTarget, ids: readonly number[], maxChars: number): AudioEvent[] {
  const per = Math.max(1, Math.floor((maxChars - PRUNED_OVERHEAD) / ID_CHARS));
  const out: AudioEvent[] = [];
  for (let at = 0; at === 0 || at < ids.length; at += per) {
    const end = Math.min(ids.length, at + per);
    out.push({ type: 'pruned', target, ids: ids.slice(at, end), more: end < ids.length });
  }
  return out;
}

/** A model error message cut so the event fits `maxChars`. */
export function modelErrorEvent(seq: number, message: string, maxChars: number): AudioEvent {
  const room = Math.max(16, Math.floor((maxChars - 64) / 6)); // JSON escapes take at most 6 chars
  return { type: 'modelError', seq, message: message.length > room ? `${message.slice(0, room - 1)}…` : message };
}

const isTarget = (t: unknown): t is GraphTarget => t === 'pre' || t === 'post';

/** Parses one event text; throws naming what is wrong. */
export function parseAudioEvent(json: string): AudioEvent {
  const o = JSON.parse(json) as Record<string, unknown> | null;
  if (o === null || typeof o !== 'object') throw new Error('audio event: not an object');
  switch (o['type']) {
    case 'loaded':
      if (typeof o['seq'] === 'number' && typeof o['latency'] === 'number') return { type: 'loaded', seq: o['seq'], latency: o['latency'] };
      break;
    case 'modelError':
      if (typeof o['seq'] === 'number' && typeof o['message'] === 'string') return { type: 'modelError', seq: o['seq'], message: o['message'] };
      break;
    case 'pruned': {
      const ids = o['ids'];
      if (isTarget(o['target']) && Array.isArray(ids) && ids.every((id) => typeof id === 'number')) return { type: 'pruned', target: o['target'], ids: ids as number[], more: o['more'] === true };
      break;
    }
  }
  throw new Error(`audio event: malformed ${JSON.stringify(o['type'])} event`);
}

/** Joins the chunks of `pruned` answers per graph: `add` returns the whole id list with its last chunk. */
export class PrunedAssembler {
  private readonly parts: Record<GraphTarget, number[]> = { pre: [], post: [] };

  add(e: Extract<AudioEvent, { type: 'pruned' }>): number[] | null {
    const part = this.parts[e.target];
    for (let i = 0; i < e.ids.length; i++) part.push(e.ids[i]!);
    if (e.more) return null;
    this.parts[e.target] = [];
    return part;
  }
}

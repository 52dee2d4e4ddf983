/**
 * The page's side of the bridge's turn-taking (bridge-framing.ts explains why turns are needed): a queue
 * of UI → host messages sent in batches, each batch ended by a turn URL, the next batch only after the
 * host has handed the turn back with its acknowledgement.
 *
 * - `post(json)` queues a message (sent now if the page holds the turn, else with the next batch);
 * - `start()` sends the first batch (until then messages only queue);
 * - `turn(session, ack)` (called by the host's push) drops the acknowledged messages, and sends the
 *   next batch at once: the unacknowledged messages, or just the turn URL, which polls the host for
 *   its next push (meters, automation) — the host paces those to ≤ 30 Hz;
 * - when no turn comes back within `retryMs` (a navigation or a push was lost), everything not
 *   acknowledged is sent again; the host ignores what it already has.
 *
 * Timers are injectable for tests.
 */
import { chunkMessage, DEFAULT_MAX_URL_LENGTH, turnUrl } from './bridge-framing.ts';

export interface BridgeOutboxOptions {
  /** Delivers one URL to the host. */
  readonly send: (url: string) => void;
  /** Called when the host has taken everything sent so far (the iframe sender drops its frames). */
  readonly settle?: () => void;
  readonly session: string;
  readonly maxUrlLength?: number;
  /** How long to wait for the turn before sending again, ms (default 1000). */
  readonly retryMs?: number;
  readonly setTimer?: (cb: () => void, ms: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
}

export class BridgeOutbox {
  private readonly queue: { readonly seq: number; readonly json: string }[] = [];
  private nextSeq = 0;
  /** Everything below this was sent in the current (or an earlier, unacknowledged) batch. */
  private sentUpTo = 0;
  private haveTurn = true;
  private started = false;
  private retry: unknown = null;
  private readonly o: Required<Omit<BridgeOutboxOptions, 'settle'>> & Pick<BridgeOutboxOptions, 'settle'>;

  constructor(options: BridgeOutboxOptions) {
    this.o = {
      maxUrlLength: DEFAULT_MAX_URL_LENGTH,
      retryMs: 1000,
      setTimer: (cb, ms) => setTimeout(cb, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      ...options,
    };
  }

  post(json: string): void {
    this.queue.push({ seq: this.nextSeq++, json });
    this.flush();
  }

  start(): void {
    this.started = true;
    this.flush();
  }

  /** Stops sending (and the retry timer); queued messages stay queued. */
  stop(): void {
    this.started = false;
    if (this.retry !== null) this.o.clearTimer(this.retry);
    this.retry = null;
  }

  /** Messages not yet acknowledged by the host. */
  unacknowledged(): number {
    return this.queue.length;
  }

  turn(session: string, ack: number): void {
    if (session !== this.o.session || !Number.isSafeInteger(ack)) return;
    if (this.retry !== null) this.o.clearTimer(this.retry);
    this.retry = null;
    while (this.queue.length > 0 && (this.queue[0] as { seq: number }).seq < ack) this.queue.shift();
    this.sentUpTo = this.queue.length > 0 ? (this.queue[0] as { seq: number }).seq : this.nextSeq;
    this.haveTurn = true;
    this.o.settle?.();
    this.flush();
  }

  private flush(): void {
    if (!this.started || !this.haveTurn) return;
    for (const m of this.queue) {
      if (m.seq < this.sentUpTo) continue;
      for (const url of chunkMessage(m.json, this.o.session, m.seq, this.o.maxUrlLength)) this.o.send(url);
    }
    this.sentUpTo = this.nextSeq;
    this.o.send(turnUrl(this.o.session, this.nextSeq));
    this.haveTurn = false;
    this.retry = this.o.setTimer(() => {
      this.retry = null;
      this.sentUpTo = this.queue.length > 0 ? (this.queue[0] as { seq: number }).seq : this.nextSeq;
      this.haveTurn = true;
      this.flush();
    }, this.o.retryMs);
  }
}

/**
 * How UI → host messages (JSON texts) become `bridge://` URLs, and back; and the turn-taking that keeps
 * the two directions of the WebView bridge from colliding.
 *
 * The WebView's only JS → C++ path is a navigation the host intercepts (JUCE's `pageAboutToLoad`), so a
 * message travels as URLs of bounded length. The message's UTF-8 bytes are base64url-encoded (only
 * `A–Z a–z 0–9 - _`, which no URL parser rewrites) and the encoding is cut into pieces:
 *
 *   bridge://m/<session>/<seq>/<index>/<count>/<piece>
 *
 * - `session`: random per page load ([a-z0-9]+), so the host drops half-received messages of a reloaded page;
 * - `seq`: the message number in that session, from 0;
 * - `index` / `count`: this piece's position, 0 ≤ index < count.
 *
 * The reassembler concatenates a message's pieces in index order, decodes it, and releases messages in
 * `seq` order, holding a complete message back until all earlier ones are complete. Pieces that arrive
 * again (a resend) are ignored.
 *
 * Turns. The host's pushes (`javascript:` URLs, a main-frame load) cancel iframe navigations that are
 * still in flight — measured on WebKitGTK 2.50: with pushes at 30 Hz, no page → host message got
 * through. So the page and the host take turns. The page ends each batch of pieces with
 *
 *   bridge://t/<session>/<next seq>
 *
 * and sends nothing more until the host's next push hands the turn back with the number of messages
 * it has received in order (`ack`); the host pushes only when it holds the turn. Anything not
 * acknowledged is sent again (in the next batch, or after a timeout when the turn never comes back).
 * The C++ reassembler (native-host/src/editor/BridgeReassembler.h) implements the same rules and is
 * tested against this module's output (test/native/ui-smoke.test.ts).
 */
import { BRIDGE_SCHEME } from './bridge-protocol.ts';

/** Default longest URL the chunker produces, in characters. */
export const DEFAULT_MAX_URL_LENGTH = 32 * 1024;

/** Longest message the reassembler accepts, in encoded characters (about 48 MiB of JSON). */
export const MAX_ENCODED_MESSAGE_LENGTH = 64 * 1024 * 1024;

/** Most pieces one message may have. */
export const MAX_PIECES = 65536;

/** How many messages may wait for an earlier one before the reassembler gives up on the gap. */
export const MAX_WAITING_MESSAGES = 256;

const PREFIX = `${BRIDGE_SCHEME}://m/`;
/** Room for the header: `bridge://m/` + session + 3 numbers and 4 slashes. */
const MAX_HEADER_LENGTH = PREFIX.length + 32 + 3 * 10 + 4;

export interface BridgePiece {
  readonly session: string;
  readonly seq: number;
  readonly index: number;
  readonly count: number;
  readonly piece: string;
}

/** UTF-8 text → base64url without padding. */
export function encodeBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) binary += String.fromCharCode(...bytes.subarray(i, i + step));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** base64url (padding optional) → UTF-8 text; throws on characters outside the alphabet or invalid UTF-8. */
export function decodeBase64Url(encoded: string): string {
  if (!/^[A-Za-z0-9_-]*$/.test(encoded) || encoded.length % 4 === 1) throw new Error('bridge message is not valid base64url');
  const b64 = encoded.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (encoded.length % 4)) % 4);
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** A fresh session id: 12 random base-36 digits. */
export function newSessionId(random: () => number = Math.random): string {
  let id = '';
  for (let i = 0; i < 12; i++) id += Math.floor(random() * 36).toString(36);
  return id;
}

/** One message → its URLs, each at most `maxUrlLength` characters. */
export function chunkMessage(json: string, session: string, seq: number, maxUrlLength = DEFAULT_MAX_URL_LENGTH): string[] {
  if (!/^[a-z0-9]{1,32}$/.test(session)) throw new Error(`bridge session id must be 1–32 of [a-z0-9], got "${session}"`);
  if (!Number.isSafeInteger(seq) || seq < 0) throw new Error(`bridge sequence number must be a non-negative integer, got ${seq}`);
  const room = maxUrlLength - MAX_HEADER_LENGTH;
  if (room < 16) throw new Error(`bridge URL limit ${maxUrlLength} leaves no room for data`);
  const encoded = encodeBase64Url(json);
  const count = Math.max(1, Math.ceil(encoded.length / room));
  if (count > MAX_PIECES) throw new Error(`bridge message of ${json.length} characters needs more than ${MAX_PIECES} URLs of ${maxUrlLength} characters`);
  const urls: string[] = [];
  for (let index = 0; index < count; index++) {
    urls.push(`${PREFIX}${session}/${seq}/${index}/${count}/${encoded.slice(index * room, (index + 1) * room)}`);
  }
  return urls;
}

/** The URL that ends a batch and hands the turn to the host; `nextSeq` = messages sent so far. */
export function turnUrl(session: string, nextSeq: number): string {
  return `${BRIDGE_SCHEME}://t/${session}/${nextSeq}`;
}

const TURN_PATTERN = /^bridge:\/\/t\/([a-z0-9]{1,32})\/(\d{1,10})$/;

export function isTurnUrl(url: string): boolean {
  return url.startsWith(`${BRIDGE_SCHEME}://t/`);
}

const PIECE_PATTERN = /^bridge:\/\/m\/([a-z0-9]{1,32})\/(\d{1,10})\/(\d{1,10})\/(\d{1,10})\/([A-Za-z0-9_-]*)$/;

/** Parses one bridge URL; throws naming what is wrong. */
export function parsePiece(url: string): BridgePiece {
  const m = PIECE_PATTERN.exec(url);
  if (!m) throw new Error(`not a bridge message URL: ${url.slice(0, 60)}`);
  const [, session, seqText, indexText, countText, piece] = m as unknown as [string, string, string, string, string, string];
  const seq = Number(seqText);
  const index = Number(indexText);
  const count = Number(countText);
  if (count < 1 || index >= count) throw new Error(`bridge piece ${index} of ${count} is out of range`);
  return { session, seq, index, count, piece };
}

interface Partial {
  readonly count: number;
  readonly pieces: (string | undefined)[];
  received: number;
  length: number;
}

/**
 * Collects pieces and releases whole messages in sequence order. `accept` returns the messages that
 * became deliverable (possibly none; a piece that arrived before is ignored); it throws on a malformed
 * URL, an inconsistent piece, or a message that cannot be decoded (that message is dropped, later ones
 * still arrive). `acceptTurn` reads a turn URL and returns the acknowledgement to hand back: how many
 * messages of that session have been released (or given up).
 */
export class BridgeReassembler {
  private session = '';
  private nextSeq = 0;
  private readonly partial = new Map<number, Partial>();
  private readonly complete = new Map<number, string>();

  accept(url: string): string[] {
    const p = parsePiece(url);
    if (p.session !== this.session) this.reset(p.session);
    if (p.seq < this.nextSeq || this.complete.has(p.seq)) return []; // a resend of what arrived
    let part = this.partial.get(p.seq);
    if (!part) {
      if (p.count > MAX_PIECES) throw new Error(`bridge message ${p.seq} has more than ${MAX_PIECES} pieces`);
      part = { count: p.count, pieces: new Array<string | undefined>(p.count).fill(undefined), received: 0, length: 0 };
      this.partial.set(p.seq, part);
    }
    if (part.count !== p.count) throw new Error(`bridge message ${p.seq}: piece count changed from ${part.count} to ${p.count}`);
    if (part.pieces[p.index] !== undefined) return []; // a resend
    part.length += p.piece.length;
    if (part.length > MAX_ENCODED_MESSAGE_LENGTH) {
      this.partial.delete(p.seq);
      this.skip(p.seq);
      throw new Error(`bridge message ${p.seq} is longer than ${MAX_ENCODED_MESSAGE_LENGTH} characters`);
    }
    part.pieces[p.index] = p.piece;
    part.received++;
    if (part.received === part.count) {
      this.partial.delete(p.seq);
      let text: string;
      try {
        text = decodeBase64Url(part.pieces.join(''));
      } catch (e) {
        this.skip(p.seq);
        throw e instanceof TypeError ? new Error('bridge message is not valid UTF-8') : e;
      }
      this.complete.set(p.seq, text);
    }
    return this.release();
  }

  acceptTurn(url: string): number {
    const m = TURN_PATTERN.exec(url);
    if (!m) throw new Error(`not a bridge turn URL: ${url.slice(0, 60)}`);
    if (m[1] !== this.session) this.reset(m[1] as string);
    return this.nextSeq;
  }

  /** Messages waiting for an earlier one, and messages with pieces missing. */
  pending(): number {
    return this.partial.size + this.complete.size;
  }

  private reset(session: string): void {
    this.session = session;
    this.nextSeq = 0;
    this.partial.clear();
    this.complete.clear();
  }

  /** Marks `seq` as delivered-by-loss (an undecodable or oversized message). */
  private skip(seq: number): void {
    this.complete.set(seq, '');
  }

  private release(): string[] {
    // A gap that too many later messages wait behind is given up (a piece was lost).
    if (this.complete.size > MAX_WAITING_MESSAGES && !this.complete.has(this.nextSeq)) {
      this.partial.delete(this.nextSeq);
      this.nextSeq = Math.min(...this.complete.keys());
    }
    const out: string[] = [];
    for (let text = this.complete.get(this.nextSeq); text !== undefined; text = this.complete.get(this.nextSeq)) {
      this.complete.delete(this.nextSeq);
      this.nextSeq++;
      if (text !== '') out.push(text);
    }
    return out;
  }
}

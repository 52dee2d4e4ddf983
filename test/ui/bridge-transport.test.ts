/**
 * The plugin's WebView bridge, JS side: framing (bridge-framing.ts: chunking a message into bounded
 * `bridge://` URLs and reassembling them in sequence order), turn-taking with resends
 * (bridge-outbox.ts), and the `BridgeTransport` (bridge-transport.ts) with its URL sink injected, so
 * the URLs are exactly what the host would get.
 * The C++ reassembler and push-script encoder are checked against this module in
 * test/native/ui-smoke.test.ts; the real WebView round trip runs there too.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS_DIR } from '../helpers/fixtures.ts';
import { mulberry32 } from '../../src/dsp/synth/prng.ts';
import { BRIDGE_GLOBAL, type HostToUi, type UiToHost } from '../../src/ui/bridge-protocol.ts';
import { BridgeReassembler, chunkMessage, decodeBase64Url, encodeBase64Url, isTurnUrl, parsePiece, turnUrl } from '../../src/ui/bridge-framing.ts';
import { BridgeOutbox } from '../../src/ui/bridge-outbox.ts';
import { BRIDGE_INBOX_GLOBAL, createBridgeTransport, encodeFloat32Base64 } from '../../src/ui/bridge-transport.ts';
import type { IrInfo, MeterReading, ModelInfo, TransportError } from '../../src/ui/transport.ts';

const URL_CHARS = /^bridge:\/\/m\/[a-z0-9]+\/\d+\/\d+\/\d+\/[A-Za-z0-9_-]*$/;
const BIG_MODEL = readFileSync(join(MODELS_DIR, 'deluxe.nam'), 'utf8');
const TRICKY = JSON.stringify({ type: 'model', name: 'Ünïcødé 🎸 "quoted" \\ / \u2028 \u0000 %41 &amp; </script>', text: '{}' });

function shuffle<T>(items: T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

describe('bridge framing', () => {
  it('base64url round-trips any UTF-8 text and rejects foreign characters', () => {
    for (const text of ['', 'a', 'ab', 'abc', TRICKY, BIG_MODEL.slice(0, 1000)]) {
      const enc = encodeBase64Url(text);
      expect(enc).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(decodeBase64Url(enc)).toBe(text);
    }
    expect(() => decodeBase64Url('ab+c')).toThrow(/base64url/);
    expect(() => decodeBase64Url('abcde')).toThrow(/base64url/);
  });

  it('cuts a 400 KB model message into URLs within the limit that reassemble to the same text', () => {
    const json = JSON.stringify({ type: 'model', name: 'deluxe', text: BIG_MODEL } satisfies UiToHost);
    const limit = 16 * 1024;
    const urls = chunkMessage(json, 'abc123', 7, limit);
    expect(urls.length).toBeGreaterThan(json.length / limit);
    for (const url of urls) {
      expect(url.length).toBeLessThanOrEqual(limit);
      expect(url).toMatch(URL_CHARS);
    }
    expect(urls.map((u) => parsePiece(u).index)).toEqual(urls.map((_, i) => i));
    expect(new Set(urls.map((u) => parsePiece(u).count))).toEqual(new Set([urls.length]));

    const r = new BridgeReassembler();
    // Session starts at seq 0: feed 0..6 first as small messages.
    const out: string[] = [];
    for (let s = 0; s < 7; s++) out.push(...r.accept(chunkMessage(`{"n":${s}}`, 'abc123', s)[0] as string));
    for (const u of urls) out.push(...r.accept(u));
    expect(out.slice(7)).toEqual([json]);
    expect(r.pending()).toBe(0);
  });

  it('releases messages in sequence order whatever order their pieces arrive in', () => {
    const random = mulberry32(42);
    const messages = Array.from({ length: 30 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(Math.floor(random() * 300)), s: TRICKY }));
    const urls = messages.flatMap((m, seq) => chunkMessage(m, 's1', seq, 120));
    expect(urls.length).toBeGreaterThan(messages.length * 2);
    const r = new BridgeReassembler();
    const out: string[] = [];
    let releasedBeforeEnd = 0;
    const shuffled = shuffle(urls, random);
    shuffled.forEach((u, k) => {
      const got = r.accept(u);
      if (k < shuffled.length - 1) releasedBeforeEnd += got.length;
      out.push(...got);
    });
    expect(out).toEqual(messages);
    expect(releasedBeforeEnd).toBeLessThan(messages.length);
  });

  it('a new session drops the previous session’s half-received message and starts at 0', () => {
    const r = new BridgeReassembler();
    const first = chunkMessage('{"a":1}'.padEnd(500, ' '), 'old', 0, 100);
    r.accept(first[0] as string);
    expect(r.pending()).toBe(1);
    expect(r.accept(chunkMessage('{"b":2}', 'new', 0)[0] as string)).toEqual(['{"b":2}']);
    expect(r.pending()).toBe(0);
  });

  it('names what is wrong with a bad piece, ignores resent pieces, and later messages still arrive', () => {
    const r = new BridgeReassembler();
    expect(() => r.accept('bridge://m/s/0/3/3/AAAA')).toThrow(/out of range/);
    expect(() => r.accept('https://example.com/')).toThrow(/not a bridge message URL/);
    expect(() => r.accept('bridge://m/s/0/0/1/A+AA')).toThrow(/not a bridge message URL/);
    const [p0, p1, p2] = chunkMessage('{"m":0}'.padEnd(300, ' '), 's', 0, 300);
    expect(p2).toBeUndefined();
    r.accept(p0 as string);
    expect(r.accept(p0 as string)).toEqual([]);
    expect(() => r.accept((p1 as string).replace(/\/1\/(\d+)\//, '/1/9/'))).toThrow(/piece count changed/);
    expect(r.accept(p1 as string)).toEqual(['{"m":0}'.padEnd(300, ' ')]);
    // An undecodable message (a lone trailing base64 char) is dropped; the next one is delivered.
    expect(() => r.accept('bridge://m/s/1/0/1/A')).toThrow(/base64url/);
    expect(r.accept(chunkMessage('{"m":2}', 's', 2)[0] as string)).toEqual(['{"m":2}']);
    expect(r.accept(chunkMessage('{"m":2}', 's', 2)[0] as string)).toEqual([]);
    expect(r.acceptTurn(turnUrl('s', 3))).toBe(3);
    expect(() => r.acceptTurn('bridge://t/s/x')).toThrow(/not a bridge turn URL/);
  });

  it('a turn URL acknowledges the messages released in its session (a new session starts at 0)', () => {
    const r = new BridgeReassembler();
    const [a0, a1] = chunkMessage('{"a":1}'.padEnd(300, ' '), 's', 0, 300);
    r.accept(a0 as string);
    expect(r.acceptTurn(turnUrl('s', 1))).toBe(0);
    r.accept(a1 as string);
    expect(r.acceptTurn(turnUrl('s', 1))).toBe(1);
    expect(r.acceptTurn(turnUrl('other', 5))).toBe(0);
    expect(isTurnUrl(turnUrl('s', 1))).toBe(true);
    expect(isTurnUrl(a0 as string)).toBe(false);
  });

  it('gives up on a gap that 256 later messages wait behind', () => {
    const r = new BridgeReassembler();
    const lost = chunkMessage('{"lost":true}'.padEnd(400, ' '), 's', 0, 150);
    r.accept(lost[0] as string); // piece 1.. never arrives
    const out: string[] = [];
    for (let seq = 1; seq <= 257; seq++) out.push(...r.accept(chunkMessage(`{"seq":${seq}}`, 's', seq)[0] as string));
    expect(out.length).toBe(257);
    expect(out[0]).toBe('{"seq":1}');
    expect(r.pending()).toBe(0);
  });

  it('refuses bad chunking arguments with a clear message', () => {
    expect(() => chunkMessage('{}', 'UPPER', 0)).toThrow(/session id/);
    expect(() => chunkMessage('{}', 's', -1)).toThrow(/sequence number/);
    expect(() => chunkMessage('{}', 's', 0, 40)).toThrow(/no room/);
  });
});

/** A host: reassembles what it gets, remembers the pending turn; `drop` loses URLs on the way. */
function fakeHost(drop: (url: string, n: number) => boolean = () => false) {
  const reassembler = new BridgeReassembler();
  const received: string[] = [];
  const urls: string[] = [];
  let ack: number | null = null;
  return {
    received,
    urls,
    send(url: string) {
      urls.push(url);
      if (drop(url, urls.length - 1)) return;
      if (isTurnUrl(url)) ack = reassembler.acceptTurn(url);
      else received.push(...reassembler.accept(url));
    },
    /** Takes the pending turn (null when the page has not handed one over). */
    takeTurn(): number | null {
      const a = ack;
      ack = null;
      return a;
    },
  };
}

describe('BridgeOutbox (turn-taking)', () => {
  function timers() {
    const pending = new Map<number, () => void>();
    let id = 0;
    return {
      pending,
      setTimer: (cb: () => void) => (pending.set(++id, cb), id),
      clearTimer: (h: unknown) => void pending.delete(h as number),
      fire() {
        const all = [...pending.values()];
        pending.clear();
        all.forEach((cb) => cb());
      },
    };
  }

  it('ends each batch with a turn URL and sends nothing more until the host hands the turn back', () => {
    const host = fakeHost();
    const t = timers();
    const box = new BridgeOutbox({ send: host.send, session: 's', setTimer: t.setTimer, clearTimer: t.clearTimer });
    box.post('{"n":0}');
    expect(host.urls).toEqual([]); // not started
    box.start();
    expect(host.urls.map((u) => (isTurnUrl(u) ? 'T' : 'M'))).toEqual(['M', 'T']);
    box.post('{"n":1}');
    box.post('{"n":2}');
    expect(host.urls.length).toBe(2); // waiting for the turn
    box.turn('s', host.takeTurn() as number);
    expect(host.urls.slice(2).map((u) => (isTurnUrl(u) ? 'T' : 'M'))).toEqual(['M', 'M', 'T']);
    box.turn('s', host.takeTurn() as number);
    expect(host.urls.slice(5).map((u) => (isTurnUrl(u) ? 'T' : 'M'))).toEqual(['T']); // idle: a poll
    expect(host.received).toEqual(['{"n":0}', '{"n":1}', '{"n":2}']);
    expect(box.unacknowledged()).toBe(0);
    box.turn('other', 0); // not ours: ignored
    expect(host.urls.length).toBe(6);
  });

  it('sends again what the host did not acknowledge, and everything arrives once, in order', () => {
    const random = mulberry32(3);
    const host = fakeHost(() => random() < 0.3); // 30% of URLs lost, turns included
    const t = timers();
    const box = new BridgeOutbox({ send: host.send, session: 's', maxUrlLength: 200, setTimer: t.setTimer, clearTimer: t.clearTimer });
    box.start();
    const sent: string[] = [];
    for (let round = 0; round < 400 && (sent.length < 40 || box.unacknowledged() > 0); round++) {
      if (sent.length < 40) {
        const json = JSON.stringify({ n: sent.length, pad: 'x'.repeat(Math.floor(random() * 300)) });
        sent.push(json);
        box.post(json);
      }
      const ack = host.takeTurn();
      if (ack !== null) box.turn('s', ack);
      else t.fire(); // the turn never came back: the retry timer
    }
    expect(host.received).toEqual(sent);
    expect(box.unacknowledged()).toBe(0);
  });

  it('stop() ends the retries', () => {
    const host = fakeHost();
    const t = timers();
    const box = new BridgeOutbox({ send: host.send, session: 's', setTimer: t.setTimer, clearTimer: t.clearTimer });
    box.start();
    expect(t.pending.size).toBe(1);
    box.stop();
    expect(t.pending.size).toBe(0);
    box.post('{}');
    expect(host.urls.length).toBe(1);
  });
});

/** A transport wired to a fake host. */
function harness(maxUrlLength?: number) {
  const scope: Record<string, unknown> = {};
  const host = fakeHost();
  const t = createBridgeTransport({
    scope,
    session: 'test1',
    send: host.send,
    settle: () => {},
    ...(maxUrlLength ? { maxUrlLength } : {}),
  });
  const global = () => scope[BRIDGE_GLOBAL] as { receive(json: string): void; turn(session: string, ack: number): void };
  const received = () => host.received.map((j) => JSON.parse(j) as UiToHost);
  return { t, scope, urls: host.urls, received, host, giveTurn: () => global().turn('test1', host.takeTurn() as number) };
}

const flush = () => new Promise<void>((r) => setTimeout(r, 0));

describe('BridgeTransport', () => {
  it('says hello once the UI listens, then sends every command as UiToHost JSON in order', async () => {
    const { t, received, urls, giveTurn } = harness(2048);
    await flush();
    expect(urls).toEqual([]); // nobody listens yet: no hello
    t.onParam(() => {});
    t.onMeters(() => {});
    await flush();
    expect(received()).toEqual([{ type: 'hello' }]);

    const samples = new Float32Array([0, 1, -0.5, 1e-30, Math.fround(Math.PI), -3.4e38]);
    t.setParam('tone.bass', 6.5);
    t.loadModel(BIG_MODEL, 'deluxe');
    t.loadIr(samples, 44100, 'cab');
    t.setBypass(true);
    expect(received().length).toBe(1); // the page waits for the host's turn
    giveTurn();
    expect(urls.every((u) => u.length <= 2048)).toBe(true);
    const got = received();
    expect(got.map((m) => m.type)).toEqual(['hello', 'param', 'model', 'ir', 'bypass']);
    expect(got[1]).toEqual({ type: 'param', id: 'tone.bass', value: 6.5 });
    expect(got[2]).toEqual({ type: 'model', name: 'deluxe', text: BIG_MODEL });
    expect(got[4]).toEqual({ type: 'bypass', on: true });

    const ir = got[3] as Extract<UiToHost, { type: 'ir' }>;
    expect(ir.name).toBe('cab');
    expect(ir.sampleRate).toBe(44100);
    const bytes = Buffer.from(ir.samples, 'base64');
    expect(bytes.length).toBe(samples.length * 4);
    const back = Array.from({ length: samples.length }, (_, i) => bytes.readFloatLE(i * 4));
    expect(back).toEqual(Array.from(samples));
    expect(encodeFloat32Base64(new Float32Array([1]))).toBe(Buffer.from([0, 0, 0x80, 0x3f]).toString('base64'));
  });

  it('dispatches each HostToUi message to its listeners through the installed global', () => {
    const { t, scope } = harness();
    const log: unknown[] = [];
    const offs = [
      t.onParam((id, v) => log.push(['param', id, v])),
      t.onModelInfo((i: ModelInfo) => log.push(['model', i.name])),
      t.onIrInfo((i: IrInfo) => log.push(['ir', i.name, i.length])),
      t.onBypass((on) => log.push(['bypass', on])),
      t.onMeters((m: MeterReading) => log.push(['meters', m.in, m.out])),
      t.onError((e: TransportError) => log.push(['error', e.source, e.message])),
    ];
    const global = scope[BRIDGE_GLOBAL] as { receive(json: string): void };
    const info: ModelInfo = { name: 'Deluxe', fileName: 'deluxe.nam', sampleRate: 48000, sampleRateGiven: true, architecture: 'WaveNet', weights: 13802, version: '0.5.2' };
    const messages: HostToUi[] = [
      { type: 'param', id: 'output.level', value: -3 },
      { type: 'modelInfo', info },
      { type: 'irInfo', info: { name: 'cab', sampleRate: 48000, length: 2048, channels: 2 } },
      { type: 'bypass', on: true },
      { type: 'meters', in: 0.25, out: 1.5 },
      { type: 'error', error: { source: 'model', message: 'bad model' } },
    ];
    for (const m of messages) global.receive(JSON.stringify(m));
    expect(log).toEqual([
      ['param', 'output.level', -3],
      ['model', 'Deluxe'],
      ['ir', 'cab', 2048],
      ['bypass', true],
      ['meters', 0.25, 1.5],
      ['error', 'model', 'bad model'],
    ]);

    log.length = 0;
    global.receive('{not json');
    global.receive(JSON.stringify({ type: 'param', id: 'tone.bass', value: 'loud' }));
    global.receive(JSON.stringify({ type: 'teleport' }));
    expect(log.map((l) => (l as unknown[])[0])).toEqual(['error', 'error', 'error']);
    expect(String((log[0] as unknown[])[2])).toMatch(/not JSON/);
    expect(String((log[1] as unknown[])[2])).toMatch(/malformed "param"/);

    offs.forEach((off) => off());
    log.length = 0;
    global.receive(JSON.stringify(messages[0]));
    expect(log).toEqual([]);
    t.dispose();
    expect(scope[BRIDGE_GLOBAL]).toBeUndefined();
  });

  it('delivers what the host parked in the inbox before the page listened, before saying hello', async () => {
    const scope: Record<string, unknown> = { [BRIDGE_INBOX_GLOBAL]: [JSON.stringify({ type: 'bypass', on: true })] };
    const sent: string[] = [];
    const t = createBridgeTransport({ scope, session: 'x', send: (u) => sent.push(u) });
    const got: boolean[] = [];
    t.onBypass((on) => got.push(on));
    expect(got).toEqual([]);
    await flush();
    expect(got).toEqual([true]);
    expect(scope[BRIDGE_INBOX_GLOBAL]).toBeUndefined();
    expect(sent.length).toBe(2);
    expect(decodeBase64Url(parsePiece(sent[0] as string).piece)).toBe('{"type":"hello"}');
    expect(sent[1]).toBe(turnUrl('x', 1));
    t.dispose();
  });
});

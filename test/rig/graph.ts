/**
 * Test helpers for Elementary node graphs: walk a graph, find nodes by kind, and run it sample by
 * sample in a small interpreter of the node kinds the rig uses.
 *
 * The interpreter is an oracle written from Elementary 4's C++ node sources, not from the rig code:
 *   pole    y = x + p·y[n−1]                                  (OnePoleNode)
 *   z       y = x[n−1]                                        (SingleSampleDelayNode)
 *   biquad  TDF-II: y = b0·x + z1; z1 = b1·x − a1·y + z2; z2 = b2·x − a2·y   (BiquadFilterNode)
 *   env     v = |x|; z = (v > z ? atk : rel)·(z − v) + v      (EnvelopeNode)
 *   maxhold hold = floor(sr·hold/1000) samples; max starts at 0; on reset edge or after `hold`
 *           samples without a new max, max = x; else max = max(max, x)   (MaxHold)
 *   convolve FIR with the IR registered under the node's `path`
 *   le/leq/ge/geq/eq 0/1; div by 0 is 0; pow of a negative base with a fractional exponent is 0;
 *   log is log10, ln the natural log; meter passes its input through.
 * A node's identity is its hash (Elementary merges equal hashes into one node), so each hash is
 * evaluated once per sample and keeps one state.
 */
import type { NodeRepr_t } from '@elemaudio/core';

interface ListCell {
  hd: NodeRepr_t;
  tl: ListCell | 0;
}

/** A node's children, in order. */
export function children(n: NodeRepr_t): NodeRepr_t[] {
  const out: NodeRepr_t[] = [];
  let cell = n.children as unknown as ListCell | 0;
  while (cell) {
    out.push(cell.hd);
    cell = cell.tl;
  }
  return out;
}

export function props(n: NodeRepr_t): Record<string, unknown> {
  return n.props as unknown as Record<string, unknown>;
}

/** Every node reachable from `root` (each distinct hash once), depth first, root first. */
export function walk(root: NodeRepr_t): NodeRepr_t[] {
  const seen = new Set<number>();
  const out: NodeRepr_t[] = [];
  const visit = (n: NodeRepr_t): void => {
    if (seen.has(n.hash)) return;
    seen.add(n.hash);
    out.push(n);
    children(n).forEach(visit);
  };
  visit(root);
  return out;
}

export function findAll(root: NodeRepr_t, kind: string): NodeRepr_t[] {
  return walk(root).filter((n) => n.kind === kind);
}

export function kindsOf(root: NodeRepr_t): Set<string> {
  return new Set(walk(root).map((n) => n.kind));
}

export interface SimOptions {
  sampleRate: number;
  /** Input channels, read by `el.in({channel})`. */
  inputs?: readonly Float64Array[];
  /** IRs by VFS path, for `el.convolve`. */
  irs?: Readonly<Record<string, Float64Array>>;
}

type Stateful = { y: number; z1: number; z2: number; hist: number[]; count: number; prevReset: number };

/** Runs the graph for `length` samples and returns its output. */
export function simulate(root: NodeRepr_t, length: number, opts: SimOptions): Float64Array {
  const state = new Map<number, Stateful>();
  const st = (n: NodeRepr_t): Stateful => {
    let s = state.get(n.hash);
    if (!s) state.set(n.hash, (s = { y: 0, z1: 0, z2: 0, hist: [], count: 0, prevReset: 0 }));
    return s;
  };
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const memo = new Map<number, number>();
    const ev = (n: NodeRepr_t): number => {
      const cached = memo.get(n.hash);
      if (cached !== undefined) return cached;
      const v = step(n, ev, i);
      memo.set(n.hash, v);
      return v;
    };
    const step = (n: NodeRepr_t, evaluate: (m: NodeRepr_t) => number, index: number): number => {
      const c = children(n);
      const a = (k: number): number => evaluate(c[k]!);
      const all = (): number[] => c.map(evaluate);
      const p = props(n);
      switch (n.kind) {
        case 'const':
          return p.value as number;
        case 'in':
          return opts.inputs?.[(p.channel as number | undefined) ?? 0]?.[index] ?? 0;
        case 'sr':
          return opts.sampleRate;
        case 'meter':
          return a(0);
        case 'add':
          return all().reduce((x, y) => x + y);
        case 'sub':
          return all().reduce((x, y) => x - y);
        case 'mul':
          return all().reduce((x, y) => x * y);
        case 'div':
          return all().reduce((x, y) => (y === 0 ? 0 : x / y));
        case 'min':
          return Math.min(...all());
        case 'max':
          return Math.max(...all());
        case 'pow': {
          const [b, e] = [a(0), a(1)];
          return b < 0 && e !== Math.floor(e) ? 0 : b ** e;
        }
        case 'exp':
          return Math.exp(a(0));
        case 'ln':
          return Math.log(a(0));
        case 'log':
          return Math.log10(a(0));
        case 'sqrt':
          return Math.sqrt(a(0));
        case 'sin':
          return Math.sin(a(0));
        case 'cos':
          return Math.cos(a(0));
        case 'abs':
          return Math.abs(a(0));
        case 'tanh':
          return Math.tanh(a(0));
        case 'le':
          return a(0) < a(1) ? 1 : 0;
        case 'leq':
          return a(0) <= a(1) ? 1 : 0;
        case 'ge':
          return a(0) > a(1) ? 1 : 0;
        case 'geq':
          return a(0) >= a(1) ? 1 : 0;
        case 'eq':
          return Math.abs(a(0) - a(1)) <= Number.EPSILON ? 1 : 0;
        case 'pole': {
          const s = st(n);
          s.y = a(1) + a(0) * s.y;
          return s.y;
        }
        case 'z': {
          const s = st(n);
          const prev = s.y;
          s.y = a(0);
          return prev;
        }
        case 'biquad': {
          const s = st(n);
          const [b0, b1, b2, a1, a2, x] = all() as [number, number, number, number, number, number];
          const y = b0 * x + s.z1;
          s.z1 = b1 * x - a1 * y + s.z2;
          s.z2 = b2 * x - a2 * y;
          return y;
        }
        case 'env': {
          const s = st(n);
          const [atk, rel, x] = all() as [number, number, number];
          const v = Math.abs(x);
          s.y = (v > s.y ? atk : rel) * (s.y - v) + v;
          return s.y;
        }
        case 'maxhold': {
          const s = st(n);
          const hold = Math.floor(opts.sampleRate * 0.001 * ((p.hold as number | undefined) ?? Infinity));
          const [x, reset] = [a(0), a(1)];
          const edge = reset - s.prevReset > 0.5;
          s.prevReset = reset;
          if (edge || ++s.count >= hold) {
            s.y = x;
            s.count = 0;
          } else if (x > s.y) {
            s.count = 0;
            s.y = x;
          }
          return s.y;
        }
        case 'convolve': {
          const ir = opts.irs?.[p.path as string];
          if (!ir) throw new Error(`simulate: no IR registered for path ${String(p.path)}`);
          const s = st(n);
          s.hist.unshift(a(0));
          if (s.hist.length > ir.length) s.hist.length = ir.length;
          return s.hist.reduce((acc, x, k) => acc + x * ir[k]!, 0);
        }
        default:
          throw new Error(`simulate: node kind "${n.kind}" is not supported`);
      }
    };
    out[i] = ev(root);
  }
  return out;
}

/** The steady-state output of `root` fed a constant `dc` on channel 0 (run long enough to settle). */
export function settle(root: NodeRepr_t, dc: number, sampleRate: number, seconds = 0.5): number {
  const n = Math.round(seconds * sampleRate);
  const out = simulate(root, n, { sampleRate, inputs: [new Float64Array(n).fill(dc)] });
  return out[n - 1]!;
}

/** A sine of amplitude `amp` at `f` Hz, `n` samples. */
export function sine(f: number, n: number, sampleRate: number, amp = 1): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * f * i) / sampleRate));
}

/**
 * The amplitude of a sinusoid at `f` Hz over the end of `x`, as √2 · RMS over the last ~`cycles` whole
 * periods (a sampled peak can miss the true peak by cos(π·f/fs)).
 */
export function tailAmplitude(x: Float64Array, f: number, sampleRate: number, cycles = 20): number {
  const n = Math.round((cycles * sampleRate) / f);
  let sum = 0;
  for (let i = x.length - n; i < x.length; i++) sum += x[i]! * x[i]!;
  return Math.sqrt((2 * sum) / n);
}

/** Peak |x| over the last `tail` samples. */
export function tailPeak(x: Float64Array, tail: number): number {
  let m = 0;
  for (let i = x.length - tail; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}

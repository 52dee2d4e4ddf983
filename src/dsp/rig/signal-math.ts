/**
 * Arithmetic on Elementary signals that folds constants.
 *
 * A `Signal` is a plain number or an `@elemaudio/core` node. Every function here computes in
 * JavaScript when all its operands are numbers and builds the matching `el.*` node otherwise, so one
 * formula serves both worlds: called with numbers (a test, the UI drawing an EQ curve) it returns a
 * number; called with a live knob node it returns the node graph that computes the same thing per
 * sample, with every constant sub-expression already folded (`cos(w0)` stays a number).
 *
 * Identities folded as well: x + 0, x − 0, x · 1, x / 1 are x; x · 0 is 0 (the rig's signals are
 * finite). The node kinds built are Elementary's own math nodes, whose semantics these mirror:
 * `le` is a strict less-than giving 0/1, `eq` compares within machine epsilon, `div` by 0 gives 0,
 * `log` is log10, `ln` the natural log.
 */
import { el, type ElemNode, type NodeRepr_t } from '@elemaudio/core';

export type Signal = ElemNode;

const isNum = (x: Signal): x is number => typeof x === 'number';

export function add(a: number, b: number): number;
export function add(a: Signal, b: Signal): Signal;
export function add(a: Signal, b: Signal): Signal {
  if (isNum(a) && isNum(b)) return a + b;
  if (a === 0) return b;
  if (b === 0) return a;
  return el.add(a, b);
}

export function sub(a: number, b: number): number;
export function sub(a: Signal, b: Signal): Signal;
export function sub(a: Signal, b: Signal): Signal {
  if (isNum(a) && isNum(b)) return a - b;
  if (b === 0) return a;
  return el.sub(a, b);
}

export function mul(a: number, b: number): number;
export function mul(a: Signal, b: Signal): Signal;
export function mul(a: Signal, b: Signal): Signal {
  if (isNum(a) && isNum(b)) return a * b;
  if (a === 0 || b === 0) return 0;
  if (a === 1) return b;
  if (b === 1) return a;
  return el.mul(a, b);
}

/** a / b, and 0 when b is 0 (Elementary's safe divide). */
export function div(a: number, b: number): number;
export function div(a: Signal, b: Signal): Signal;
export function div(a: Signal, b: Signal): Signal {
  if (isNum(a) && isNum(b)) return b === 0 ? 0 : a / b;
  if (b === 1) return a;
  return el.div(a, b);
}

/** a to the power b (0 for a negative base with a non-integer exponent, as Elementary's `pow`). */
export function pow(a: number, b: number): number;
export function pow(a: Signal, b: Signal): Signal;
export function pow(a: Signal, b: Signal): Signal {
  if (isNum(a) && isNum(b)) return a < 0 && !Number.isInteger(b) ? 0 : a ** b;
  return el.pow(a, b);
}

export function exp(x: number): number;
export function exp(x: Signal): Signal;
export function exp(x: Signal): Signal {
  return isNum(x) ? Math.exp(x) : el.exp(x);
}

/** Natural logarithm. */
export function ln(x: number): number;
export function ln(x: Signal): Signal;
export function ln(x: Signal): Signal {
  return isNum(x) ? Math.log(x) : el.ln(x);
}

export function log10(x: number): number;
export function log10(x: Signal): Signal;
export function log10(x: Signal): Signal {
  return isNum(x) ? Math.log10(x) : el.log(x);
}

export function min(a: number, b: number): number;
export function min(a: Signal, b: Signal): Signal;
export function min(a: Signal, b: Signal): Signal {
  return isNum(a) && isNum(b) ? Math.min(a, b) : el.min(a, b);
}

export function max(a: number, b: number): number;
export function max(a: Signal, b: Signal): Signal;
export function max(a: Signal, b: Signal): Signal {
  return isNum(a) && isNum(b) ? Math.max(a, b) : el.max(a, b);
}

/** 1 when a < b, else 0. */
export function lessThan(a: number, b: number): number;
export function lessThan(a: Signal, b: Signal): Signal;
export function lessThan(a: Signal, b: Signal): Signal {
  return isNum(a) && isNum(b) ? (a < b ? 1 : 0) : el.le(a, b);
}

/** 1 when a equals b (within machine epsilon), else 0. */
export function equals(a: number, b: number): number;
export function equals(a: Signal, b: Signal): Signal;
export function equals(a: Signal, b: Signal): Signal {
  return isNum(a) && isNum(b) ? (Math.abs(a - b) <= Number.EPSILON ? 1 : 0) : el.eq(a, b);
}

/** g·a + (1 − g)·b: a when g is 1, b when g is 0, a crossfade between. */
export function select(g: number, a: number, b: number): number;
export function select(g: Signal, a: Signal, b: Signal): Signal;
export function select(g: Signal, a: Signal, b: Signal): Signal {
  return add(mul(g, a), mul(sub(1, g), b));
}

/** min(hi, max(lo, x)). */
export function clamp(x: number, lo: number, hi: number): number;
export function clamp(x: Signal, lo: Signal, hi: Signal): Signal;
export function clamp(x: Signal, lo: Signal, hi: Signal): Signal {
  return min(hi, max(lo, x));
}

/** Amplitude gain of a level in dB: 10^(dB/20). */
export function dbToGain(db: number): number;
export function dbToGain(db: Signal): Signal;
export function dbToGain(db: Signal): Signal {
  return pow(10, div(db, 20));
}

/**
 * The pole of a one-pole smoother with time constant `tau` seconds at `sampleRate`:
 * exp(−1 / (tau · fs)), as `el.tau2pole` (which reads the rate from the graph instead).
 */
export function tauToPole(tau: number, sampleRate: number): number;
export function tauToPole(tau: Signal, sampleRate: number): Signal;
export function tauToPole(tau: Signal, sampleRate: number): Signal {
  return exp(div(-1, mul(tau, sampleRate)));
}

/** Resolves a signal to a node, for Elementary functions that need one (numbers become `const`). */
export function node(x: Signal): NodeRepr_t {
  return isNum(x) ? el.const({ value: x }) : x;
}

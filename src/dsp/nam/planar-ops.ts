/**
 * Element-wise block operations on planar views, in two implementations with one interface:
 * plain TypeScript loops, and the same operations through the SIMD kernels (one call per channel
 * row, on byte pointers into the model's WebAssembly memory).
 *
 *   add(src, dst):          dst += src
 *   copy(src, dst):         dst  = src
 *   scale(src, dst, k):     dst  = k·src
 *   gateMul(top, bottom):   top *= bottom
 *   blend(top, pre, alpha): top  = alpha·top + (1 − alpha)·pre
 *   film(x, ss, out, shift): out = x·ss[:dim] (+ ss[dim:])
 *   activate(act, v):       v = act(v), row by row (PReLU needs the row's channel)
 */
import type { Activation } from './activations.ts';
import { ptr } from './compute.ts';
import type { SimdKernels } from './simd/kernels.ts';
import type { PlanarView } from './planar.ts';

export interface PlanarOps {
  add(src: PlanarView, dst: PlanarView, n: number): void;
  copy(src: PlanarView, dst: PlanarView, n: number): void;
  scale(src: PlanarView, dst: PlanarView, k: number, n: number): void;
  gateMul(top: PlanarView, bottom: PlanarView, n: number): void;
  blend(top: PlanarView, pre: PlanarView, alpha: PlanarView, n: number): void;
  film(x: PlanarView, scaleShift: PlanarView, out: PlanarView, shift: boolean, n: number): void;
  activate(act: Activation, v: PlanarView, n: number): void;
}

export const jsPlanarOps: PlanarOps = {
  add(src, dst, n) {
    const a = src.data;
    const b = dst.data;
    for (let c = 0; c < src.channels; c++) {
      const s = src.offset + c * src.stride;
      const d = dst.offset + c * dst.stride;
      for (let t = 0; t < n; t++) b[d + t] += a[s + t]!;
    }
  },
  copy(src, dst, n) {
    const a = src.data;
    const b = dst.data;
    for (let c = 0; c < src.channels; c++) {
      const s = src.offset + c * src.stride;
      const d = dst.offset + c * dst.stride;
      for (let t = 0; t < n; t++) b[d + t] = a[s + t]!;
    }
  },
  scale(src, dst, k, n) {
    const a = src.data;
    const b = dst.data;
    for (let c = 0; c < src.channels; c++) {
      const s = src.offset + c * src.stride;
      const d = dst.offset + c * dst.stride;
      for (let t = 0; t < n; t++) b[d + t] = k * a[s + t]!;
    }
  },
  gateMul(top, bottom, n) {
    const z = top.data;
    const g = bottom.data;
    for (let c = 0; c < top.channels; c++) {
      const p = top.offset + c * top.stride;
      const q = bottom.offset + c * bottom.stride;
      for (let t = 0; t < n; t++) z[p + t] = z[p + t]! * g[q + t]!;
    }
  },
  blend(top, pre, alpha, n) {
    const z = top.data;
    const r = pre.data;
    const al = alpha.data;
    for (let c = 0; c < top.channels; c++) {
      const p = top.offset + c * top.stride;
      const q = pre.offset + c * pre.stride;
      const s = alpha.offset + c * alpha.stride;
      for (let t = 0; t < n; t++) {
        const a = al[s + t]!;
        z[p + t] = a * z[p + t]! + (1 - a) * r[q + t]!;
      }
    }
  },
  film(x, ss, out, shift, n) {
    const a = x.data;
    const m = ss.data;
    const o = out.data;
    const shiftBase = x.channels * ss.stride;
    for (let c = 0; c < x.channels; c++) {
      const ip = x.offset + c * x.stride;
      const op = out.offset + c * out.stride;
      const sp = ss.offset + c * ss.stride;
      if (shift) for (let t = 0; t < n; t++) o[op + t] = a[ip + t]! * m[sp + t]! + m[shiftBase + sp + t]!;
      else for (let t = 0; t < n; t++) o[op + t] = a[ip + t]! * m[sp + t]!;
    }
  },
  activate(act, v, n) {
    if (act.isIdentity) return;
    for (let c = 0; c < v.channels; c++) act.apply(v.data, v.offset + c * v.stride, n, c);
  },
};

/** The same operations through the SIMD kernels (views must live in the kernels' memory). */
export function simdPlanarOps(k: SimdKernels): PlanarOps {
  return {
    add(src, dst, n) {
      for (let c = 0; c < src.channels; c++) k.add(ptr(dst.data, dst.offset + c * dst.stride), ptr(src.data, src.offset + c * src.stride), n);
    },
    copy(src, dst, n) {
      for (let c = 0; c < src.channels; c++) k.copy(ptr(dst.data, dst.offset + c * dst.stride), ptr(src.data, src.offset + c * src.stride), n);
    },
    scale(src, dst, s, n) {
      for (let c = 0; c < src.channels; c++) k.scale(ptr(dst.data, dst.offset + c * dst.stride), ptr(src.data, src.offset + c * src.stride), n, s);
    },
    gateMul(top, bottom, n) {
      for (let c = 0; c < top.channels; c++) k.gate_mul(ptr(top.data, top.offset + c * top.stride), ptr(bottom.data, bottom.offset + c * bottom.stride), n);
    },
    blend(top, pre, alpha, n) {
      for (let c = 0; c < top.channels; c++) {
        k.blend(ptr(top.data, top.offset + c * top.stride), ptr(pre.data, pre.offset + c * pre.stride), ptr(alpha.data, alpha.offset + c * alpha.stride), n);
      }
    },
    film(x, ss, out, shift, n) {
      const shiftRows = x.channels * ss.stride;
      for (let c = 0; c < x.channels; c++) {
        const sp = ss.offset + c * ss.stride;
        k.film(ptr(out.data, out.offset + c * out.stride), ptr(x.data, x.offset + c * x.stride), ptr(ss.data, sp), ptr(ss.data, sp + shiftRows), n, shift ? 1 : 0);
      }
    },
    activate(act, v, n) {
      if (act.isIdentity) return;
      for (let c = 0; c < v.channels; c++) applySimdActivation(k, act, ptr(v.data, v.offset + c * v.stride), n, c);
    },
  };
}

function applySimdActivation(k: SimdKernels, act: Activation, p: number, n: number, channel: number): void {
  const q = act.params;
  switch (act.name) {
    case 'Tanh':
      return k.tanh_exact(p, n);
    case 'Fasttanh':
      return k.tanh_fast(p, n);
    case 'Sigmoid':
      return k.sigmoid_exact(p, n);
    case 'ReLU':
      return k.relu(p, n);
    case 'LeakyReLU':
      return k.leaky_relu(p, n, q[0]!);
    case 'PReLU':
      return k.leaky_relu(p, n, q[Math.min(channel, q.length - 1)]!);
    case 'Hardtanh':
      return k.hardtanh(p, n);
    case 'LeakyHardtanh':
      return k.leaky_hardtanh(p, n, q[0]!, q[1]!, q[2]!, q[3]!);
    case 'Softsign':
      return k.softsign(p, n);
    case 'SiLU':
      return k.silu_exact(p, n);
    case 'Hardswish':
      return k.hardswish(p, n);
    default:
      throw new Error(`no SIMD kernel for activation ${act.name}`);
  }
}

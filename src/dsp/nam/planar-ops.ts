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

/**
 * The same operations through the SIMD kernels (views must live in the kernels' memory). A full
 * block (n = stride) of views with equal strides is one contiguous run, processed in one call;
 * otherwise one call per row, touching only the row's first n samples (rounded up to 4), so the
 * unused tail of each row never accumulates anything.
 */
export function simdPlanarOps(k: SimdKernels): PlanarOps {
  const at = (v: PlanarView): number => v.data.byteOffset + 4 * v.offset;
  const span = (v: PlanarView, n: number): number => (v.channels - 1) * v.stride + n;
  const whole = (n: number, a: PlanarView, b: PlanarView, c: PlanarView = a): boolean => n === a.stride && a.stride === b.stride && a.stride === c.stride;
  return {
    add(src, dst, n) {
      if (whole(n, src, dst)) return k.add(at(dst), at(src), span(src, n));
      for (let c = 0; c < src.channels; c++) k.add(at(dst) + 4 * c * dst.stride, at(src) + 4 * c * src.stride, n);
    },
    copy(src, dst, n) {
      if (whole(n, src, dst)) return k.copy(at(dst), at(src), span(src, n));
      k.copy_rows(at(dst), dst.stride, at(src), src.stride, src.channels, n);
    },
    scale(src, dst, s, n) {
      if (whole(n, src, dst)) return k.scale(at(dst), at(src), span(src, n), s);
      for (let c = 0; c < src.channels; c++) k.scale(at(dst) + 4 * c * dst.stride, at(src) + 4 * c * src.stride, n, s);
    },
    gateMul(top, bottom, n) {
      if (whole(n, top, bottom)) return k.gate_mul(at(top), at(bottom), span(top, n));
      for (let c = 0; c < top.channels; c++) k.gate_mul(at(top) + 4 * c * top.stride, at(bottom) + 4 * c * bottom.stride, n);
    },
    blend(top, pre, alpha, n) {
      if (whole(n, top, pre, alpha)) return k.blend(at(top), at(pre), at(alpha), span(top, n));
      for (let c = 0; c < top.channels; c++) {
        k.blend(at(top) + 4 * c * top.stride, at(pre) + 4 * c * pre.stride, at(alpha) + 4 * c * alpha.stride, n);
      }
    },
    film(x, ss, out, shift, n) {
      const shiftBytes = 4 * x.channels * ss.stride;
      if (whole(n, x, ss, out)) return k.film(at(out), at(x), at(ss), at(ss) + shiftBytes, span(x, n), shift ? 1 : 0);
      for (let c = 0; c < x.channels; c++) {
        const sp = at(ss) + 4 * c * ss.stride;
        k.film(at(out) + 4 * c * out.stride, at(x) + 4 * c * x.stride, sp, sp + shiftBytes, n, shift ? 1 : 0);
      }
    },
    activate(act, v, n) {
      if (act.isIdentity) return;
      // PReLU has a slope per channel; every other activation is the same on every row.
      if (act.name !== 'PReLU' && n === v.stride) return applySimdActivation(k, act, at(v), span(v, n), 0);
      for (let c = 0; c < v.channels; c++) applySimdActivation(k, act, at(v) + 4 * c * v.stride, n, c);
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

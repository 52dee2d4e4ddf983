/**
 * The committed kernel binaries equal a fresh build of their source (so the binary in git cannot
 * drift from it), the modules import only env.memory, and the loader works.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildSimdKernels, KERNELS_OUTPUT, renderKernelsModule } from '../../scripts/build-simd-kernels.ts';
import { KERNELS_RELAXED_WASM_BASE64, KERNELS_WASM_BASE64 } from '../../src/dsp/nam/simd/kernels-wasm.ts';
import { decodeBase64 } from '../../src/dsp/io/base64.ts';
import {
  compileKernels,
  instantiateKernels,
  relaxedSimdSupported,
  SIMD_KERNEL_NAMES,
  simdSupported,
} from '../../src/dsp/nam/simd/kernels.ts';
import { VARIANTS } from './harness.ts';

describe('SIMD kernel build', () => {
  it('the committed kernels-wasm.ts equals a fresh, deterministic build (npm run build:simd)', async () => {
    const first = await buildSimdKernels();
    const second = await buildSimdKernels();
    expect(first.relaxed).not.toBeNull();
    expect(Buffer.from(second.baseline).equals(Buffer.from(first.baseline))).toBe(true);
    expect(Buffer.from(second.relaxed!).equals(Buffer.from(first.relaxed!))).toBe(true);
    const text = renderKernelsModule(first);
    expect(readFileSync(KERNELS_OUTPUT, 'utf8'), 'stale: run npm run build:simd').toBe(text);
  });

  it('the binaries import only env.memory and export every kernel', () => {
    for (const b64 of [KERNELS_WASM_BASE64, KERNELS_RELAXED_WASM_BASE64]) {
      const bytes = decodeBase64(b64);
      // Parsing the module's sections needs no feature support, unlike compiling it.
      const imports: string[] = [];
      const exports: string[] = [];
      let p = 8;
      const leb = (): number => {
        let v = 0;
        let shift = 0;
        for (;;) {
          const byte = bytes[p++]!;
          v |= (byte & 0x7f) << shift;
          if (!(byte & 0x80)) return v >>> 0;
          shift += 7;
        }
      };
      const name = (): string => {
        const len = leb();
        const s = new TextDecoder().decode(bytes.subarray(p, p + len));
        p += len;
        return s;
      };
      const sections: number[] = [];
      while (p < bytes.length) {
        const id = bytes[p++]!;
        const size = leb();
        const end = p + size;
        sections.push(id);
        if (id === 2) {
          const count = leb();
          // Only the first import is decoded (its kind byte follows the names); more is a failure.
          if (count > 0) imports.push(`${name()}.${name()}:${bytes[p]}`);
          for (let i = 1; i < count; i++) imports.push('(another import)');
        } else if (id === 7) {
          for (let n = leb(); n > 0; n--) {
            exports.push(name());
            p += 1; // kind
            leb(); // index
          }
        }
        p = end;
      }
      expect(imports).toEqual(['env.memory:2']);
      expect([...exports].sort()).toEqual([...SIMD_KERNEL_NAMES].sort());
      for (const forbidden of [5, 8, 11, 12]) expect(sections).not.toContain(forbidden); // memory, start, data
    }
  });
});

describe('SIMD kernel loader', () => {
  it('detects SIMD (Node 20+) and relaxed SIMD consistently with the relaxed binary', () => {
    expect(simdSupported()).toBe(true);
    expect(WebAssembly.validate(decodeBase64(KERNELS_WASM_BASE64))).toBe(true);
    expect(WebAssembly.validate(decodeBase64(KERNELS_RELAXED_WASM_BASE64))).toBe(relaxedSimdSupported());
  });

  it('decodes base64 like Buffer does', () => {
    for (let len = 0; len < 40; len++) {
      const bytes = Uint8Array.from({ length: len }, (_, i) => (i * 97 + len * 13) & 0xff);
      const b64 = Buffer.from(bytes).toString('base64');
      expect(Array.from(decodeBase64(b64))).toEqual(Array.from(bytes));
      expect(Array.from(decodeBase64(b64.replace(/=+$/, '')))).toEqual(Array.from(bytes));
    }
    expect(Array.from(decodeBase64(KERNELS_WASM_BASE64))).toEqual(Array.from(Buffer.from(KERNELS_WASM_BASE64, 'base64')));
    expect(() => decodeBase64('ab$d')).toThrow();
  });

  it('caches the compiled module and instantiates on a given memory', () => {
    for (const { relaxed } of VARIANTS) {
      expect(compileKernels(relaxed)).toBe(compileKernels(relaxed));
      const memory = new WebAssembly.Memory({ initial: 1 });
      const k = instantiateKernels(memory, relaxed);
      for (const name of SIMD_KERNEL_NAMES) expect(typeof k[name]).toBe('function');
      const f = new Float32Array(memory.buffer);
      f.set([1, 2, 3, 4], 4);
      k.scale(16, 16, 4, 2);
      expect(Array.from(f.subarray(4, 8))).toEqual([2, 4, 6, 8]);
      expect(memory.buffer.byteLength).toBe(65536);
    }
  });
});

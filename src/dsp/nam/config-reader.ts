/**
 * Typed, path-aware reads from an untrusted JSON config.
 *
 * A `ConfigReader` wraps one JSON object and the path that leads to it, so every accessor can
 * raise a `NamError` such as `config.layers[1].dilations[2]: expected a positive integer, got -3`.
 * Limits on sizes are checked here, before anything is allocated.
 */
import { NamError } from './errors.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Largest channel count, kernel size, dilation, etc. accepted for any one dimension. */
export const MAX_DIMENSION = 1 << 16;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}

export class ConfigReader {
  constructor(
    readonly obj: JsonObject,
    readonly path: string,
  ) {}

  static of(value: unknown, path: string): ConfigReader {
    if (!isObject(value)) throw new NamError('invalid-config', path, `expected an object, got ${describe(value)}`);
    return new ConfigReader(value, path);
  }

  at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  raw(key: string): Json | undefined {
    return this.obj[key];
  }

  fail(key: string, problem: string): never {
    throw new NamError('invalid-config', this.at(key), problem);
  }

  child(key: string): ConfigReader {
    return ConfigReader.of(this.obj[key], this.at(key));
  }

  optionalChild(key: string): ConfigReader | undefined {
    return this.has(key) ? this.child(key) : undefined;
  }

  number(key: string, fallback?: number): number {
    const v = this.obj[key];
    if (v === undefined || v === null) {
      if (fallback !== undefined) return fallback;
      this.fail(key, 'is missing');
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(key, `expected a finite number, got ${describe(v)}`);
    return v;
  }

  /** An integer in [min, max]; `max` defaults to MAX_DIMENSION so absurd sizes are refused early. */
  int(key: string, fallback?: number, min = 1, max = MAX_DIMENSION): number {
    const v = this.number(key, fallback);
    return checkInt(v, this.at(key), min, max);
  }

  bool(key: string, fallback?: boolean): boolean {
    const v = this.obj[key];
    if (v === undefined || v === null) {
      if (fallback !== undefined) return fallback;
      this.fail(key, 'is missing');
    }
    if (typeof v !== 'boolean') this.fail(key, `expected true or false, got ${describe(v)}`);
    return v;
  }

  string(key: string, fallback?: string): string {
    const v = this.obj[key];
    if (v === undefined || v === null) {
      if (fallback !== undefined) return fallback;
      this.fail(key, 'is missing');
    }
    if (typeof v !== 'string') this.fail(key, `expected a string, got ${describe(v)}`);
    return v;
  }

  array(key: string): Json[] {
    const v = this.obj[key];
    if (!Array.isArray(v)) this.fail(key, `expected an array, got ${describe(v)}`);
    return v;
  }

  intArray(key: string, min = 1, max = MAX_DIMENSION): number[] {
    const arr = this.array(key);
    if (arr.length > MAX_DIMENSION) this.fail(key, `has ${arr.length} entries, more than ${MAX_DIMENSION}`);
    return arr.map((v, i) => {
      if (typeof v !== 'number') throw new NamError('invalid-config', `${this.at(key)}[${i}]`, `expected an integer, got ${describe(v)}`);
      return checkInt(v, `${this.at(key)}[${i}]`, min, max);
    });
  }
}

export function checkInt(v: number, path: string, min = 1, max = MAX_DIMENSION): number {
  if (!Number.isInteger(v)) throw new NamError('invalid-config', path, `expected an integer, got ${v}`);
  if (v < min) throw new NamError('invalid-config', path, `must be at least ${min}, got ${v}`);
  if (v > max) throw new NamError('too-large', path, `${v} is larger than the limit ${max}`);
  return v;
}

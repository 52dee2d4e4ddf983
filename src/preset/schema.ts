/**
 * The preset format, version 1: one JSON object, validated with zod.
 *
 *   {
 *     "format": "nam-rig-preset", "version": 1,
 *     "name": "Edge of breakup", "author": "…", "notes": "…", "tags": ["clean", "deluxe"],
 *     "createdAt": "2025-01-31T12:00:00.000Z",
 *     "params": { "input.gain": 0, "tone.bass": 6.5, … },      // keys: paramIndex() qualified ids
 *     "model": { "ref": { "sha256": "<64 hex>", "fileName": "deluxe.nam" } }
 *            | { "embedded": EmbeddedModel },
 *     "ir":    null | { "ref": { … } } | { "embedded": EmbeddedIr }
 *   }
 *   EmbeddedModel = { fileName?, sourceSha256?, version, architecture, config, sampleRate: number|null,
 *                     metadata: object|null, weights: Packed }
 *   EmbeddedIr    = { fileName?, sourceSha256?, sampleRate, samples: Packed }
 *   Packed        = { encoding: "f32le-deflate-base64", count, data }   // base64(deflateRaw(f32 LE))
 *
 * - `params` is generated from the rig's manifests (`paramIndex()`): an unknown key is refused, a value
 *   outside its range (or a non-integer on/off or enum) is refused naming the range; a missing key takes
 *   the parameter's default (so presets saved before a parameter existed still load).
 * - `ref.sha256` is the SHA-256 of the file's bytes; `sourceSha256` of an embedded resource is the
 *   hash of the file it came from (informational: lets a library store a resource once).
 * - Every string, list and payload has a limit (`LIMITS`); oversized fields are refused.
 * - `parsePreset` is the one entry point: JSON text/object → `migrate()` → schema → `Preset`.
 *   Versions newer than `PRESET_VERSION` are refused with a message asking for a newer nam-rig.
 * Errors are `PresetError`s whose path names the field (`params.tone.bass`, `model.embedded.weights`).
 */
import { z } from 'zod';
import { paramIndex, type IndexedParam } from '../dsp/rig/registry.ts';
import { PresetError } from './errors.ts';

export const PRESET_FORMAT = 'nam-rig-preset';
export const PRESET_VERSION = 1;
export const PACKED_ENCODING = 'f32le-deflate-base64';

export const LIMITS = {
  name: 120,
  author: 120,
  notes: 4000,
  tags: 32,
  tag: 40,
  fileName: 255,
  /** Text of the model's config plus metadata, as JSON. */
  modelJson: 1024 * 1024,
  /** Weights of an embedded model (float32 count): 16 Mi = 64 MiB. */
  weights: 16 * 1024 * 1024,
  /** Samples of an embedded IR: 2^20 (≈ 22 s at 48 kHz; the rig uses the first 8192 at its rate). */
  irSamples: 1024 * 1024,
  /** A whole preset as JSON text (embedded payloads included). */
  presetJson: 96 * 1024 * 1024,
} as const;

const SHA256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 as 64 lower-case hex digits');
const fileName = z
  .string()
  .min(1)
  .max(LIMITS.fileName)
  .refine((s) => !/[\\/\0]/.test(s), 'must be a plain file name (no / or \\)');

const ref = z.object({ sha256: SHA256, fileName }).strict();

const packed = (maxCount: number) =>
  z
    .object({
      encoding: z.literal(PACKED_ENCODING),
      count: z.number().int().min(0).max(maxCount),
      // deflate never grows data much; base64 is 4/3: a generous, finite bound on the text.
      data: z.string().max(Math.ceil(maxCount * 4 * 1.01 + 1024) * 2),
    })
    .strict();

const jsonObject = z.record(z.string(), z.unknown());

const embeddedModel = z
  .object({
    fileName: fileName.optional(),
    sourceSha256: SHA256.optional(),
    version: z.string().min(1).max(32),
    architecture: z.string().min(1).max(64),
    config: jsonObject,
    sampleRate: z.number().min(1000).max(1_000_000).nullable(),
    metadata: jsonObject.nullable(),
    weights: packed(LIMITS.weights),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (JSON.stringify({ c: m.config, m: m.metadata }).length > LIMITS.modelJson) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['config'], message: `config and metadata are larger than ${LIMITS.modelJson} characters of JSON` });
    }
  });

const embeddedIr = z
  .object({
    fileName: fileName.optional(),
    sourceSha256: SHA256.optional(),
    sampleRate: z.number().int().min(8000).max(768_000),
    samples: packed(LIMITS.irSamples),
  })
  .strict();

const modelSource = z.union([z.object({ ref }).strict(), z.object({ embedded: embeddedModel }).strict()]);
const irSource = z.union([z.object({ ref }).strict(), z.object({ embedded: embeddedIr }).strict()]);

function describe(p: IndexedParam): string {
  const { spec } = p;
  if (spec.unit === 'on/off') return 'must be 0 (off) or 1 (on)';
  if (spec.unit === 'enum') return `must be an integer from 0 to ${spec.max} (${(spec.options ?? []).map((o, i) => `${i} ${o.toLowerCase()}`).join(', ')})`;
  return `must be a number from ${spec.min} to ${spec.max}${spec.unit ? ` ${spec.unit}` : ''}`;
}

/** The `params` schema, generated from the rig's manifests: one optional, range-checked key per parameter. */
function paramsSchema() {
  const shape: Record<string, z.ZodOptional<z.ZodNumber>> = {};
  for (const p of paramIndex()) {
    const { spec } = p;
    const message = describe(p);
    let n = z.number({ invalid_type_error: message }).finite(message).min(spec.min, message).max(spec.max, message);
    if (spec.unit === 'on/off' || spec.unit === 'enum') n = n.int(message);
    shape[p.id] = n.optional();
  }
  return z.object(shape).strict();
}

const presetSchema = z
  .object({
    format: z.literal(PRESET_FORMAT),
    version: z.literal(PRESET_VERSION),
    name: z.string().min(1).max(LIMITS.name),
    author: z.string().max(LIMITS.author).default(''),
    notes: z.string().max(LIMITS.notes).default(''),
    tags: z.array(z.string().min(1).max(LIMITS.tag)).max(LIMITS.tags).default([]),
    createdAt: z.string().datetime({ offset: true }),
    params: paramsSchema(),
    model: modelSource,
    ir: irSource.nullable().default(null),
  })
  .strict();

export type ResourceRef = z.infer<typeof ref>;
export type PackedFloats = z.infer<ReturnType<typeof packed>>;
export type EmbeddedModel = z.infer<typeof embeddedModel>;
export type EmbeddedIr = z.infer<typeof embeddedIr>;
export type ModelSource = z.infer<typeof modelSource>;
export type IrSource = z.infer<typeof irSource>;
/** A validated preset. `params` holds every user parameter (missing ones filled with defaults). */
export type Preset = Omit<z.infer<typeof presetSchema>, 'params'> & { params: Record<string, number> };

/** `a.b["tone.bass"][0]` style path for a zod issue, written `params.tone.bass`. */
const joinPath = (path: readonly (string | number)[]): string => path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[');

function firstIssue(error: z.ZodError): PresetError {
  const issue = error.issues[0]!;
  // A union failure: report the branch that got furthest (the deepest issue), not "invalid input".
  if (issue.code === z.ZodIssueCode.invalid_union) {
    const branches = issue.unionErrors.map((e) => e.issues[0]!).filter(Boolean);
    const deepest = branches.sort((a, b) => b.path.length - a.path.length)[0];
    if (deepest && deepest.path.length > issue.path.length + 1) return toError(deepest);
    return new PresetError('invalid-preset', joinPath(issue.path), 'must be { "ref": { "sha256", "fileName" } } or { "embedded": { … } }');
  }
  return toError(issue);
}

function toError(issue: z.ZodIssue): PresetError {
  const path = joinPath(issue.path);
  let message = issue.message;
  if (issue.code === z.ZodIssueCode.unrecognized_keys) message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}${path.startsWith('params') || path === 'params' ? ` (known parameters: ${paramIndex().map((p) => p.id).join(', ')})` : ''}`;
  else if (issue.code === z.ZodIssueCode.too_big && issue.type === 'string') message = `is too long (at most ${String(issue.maximum)} characters)`;
  else if (issue.code === z.ZodIssueCode.too_big && issue.type === 'array') message = `has too many entries (at most ${String(issue.maximum)})`;
  else if (issue.code === z.ZodIssueCode.invalid_type && issue.received === 'undefined') message = 'is missing';
  return new PresetError('invalid-preset', path, message);
}

type JsonRecord = Record<string, unknown>;
const isRecord = (v: unknown): v is JsonRecord => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Brings a preset object of any known version to the current one. The only place migrations live:
 * each step takes version n to n + 1.
 *
 *   0 → 1  (the pre-release draft): `params` was nested by block, `{ "tone": { "bass": 7 } }`, and the
 *          creation time was `created`; v1 flattens params to qualified ids (`tone.bass`) and renames
 *          the field to `createdAt`.
 */
export function migrate(raw: JsonRecord): JsonRecord {
  const version = raw['version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw new PresetError('unsupported-version', 'version', `expected an integer preset version (current ${PRESET_VERSION}), got ${JSON.stringify(version) ?? 'nothing'}`);
  }
  if (version > PRESET_VERSION) {
    throw new PresetError('unsupported-version', 'version', `this preset is version ${version}, newer than this nam-rig understands (up to ${PRESET_VERSION}); update nam-rig to open it`);
  }
  let out = raw;
  if (version === 0) {
    const { created, params, ...rest } = out;
    const flat: JsonRecord = {};
    if (isRecord(params)) {
      for (const [block, values] of Object.entries(params)) {
        if (isRecord(values)) for (const [id, v] of Object.entries(values)) flat[`${block}.${id}`] = v;
        else flat[block] = values; // left for the schema to report
      }
    }
    out = { ...rest, format: rest['format'] ?? PRESET_FORMAT, createdAt: created, params: isRecord(params) ? flat : params, version: 1 };
  }
  return out;
}

/** Validates a preset (JSON text or parsed object) of any supported version; throws `PresetError`. */
export function parsePreset(input: string | unknown): Preset {
  let raw: unknown = input;
  if (typeof input === 'string') {
    if (input.length > LIMITS.presetJson) throw new PresetError('too-large', '', `the preset is ${input.length} characters, more than the ${LIMITS.presetJson} limit`);
    try {
      raw = JSON.parse(input);
    } catch (e) {
      throw new PresetError('invalid-json', '', `not a preset: the JSON is invalid or truncated (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  if (!isRecord(raw)) throw new PresetError('invalid-json', '', 'not a preset: expected a JSON object');
  if (raw['format'] !== undefined && raw['format'] !== PRESET_FORMAT) {
    throw new PresetError('invalid-preset', 'format', `expected "${PRESET_FORMAT}", got ${JSON.stringify(raw['format'])}`);
  }
  const result = presetSchema.safeParse(migrate(raw));
  if (!result.success) throw firstIssue(result.error);
  const params: Record<string, number> = {};
  for (const p of paramIndex()) params[p.id] = (result.data.params as Record<string, number | undefined>)[p.id] ?? p.spec.default;
  return { ...result.data, params };
}

/** A new preset with default parameters, for the given model (and IR); times are ISO 8601. */
export function newPreset(fields: { name: string; model: ModelSource; ir?: IrSource | null; params?: Readonly<Record<string, number>>; author?: string; notes?: string; tags?: string[]; createdAt?: string }): Preset {
  const params: Record<string, number> = {};
  for (const p of paramIndex()) params[p.id] = fields.params?.[p.id] ?? p.spec.default;
  return parsePreset({
    format: PRESET_FORMAT,
    version: PRESET_VERSION,
    name: fields.name,
    author: fields.author ?? '',
    notes: fields.notes ?? '',
    tags: fields.tags ?? [],
    createdAt: fields.createdAt ?? new Date().toISOString(),
    params,
    model: fields.model,
    ir: fields.ir ?? null,
  });
}

/** The preset as canonical JSON text (stable key order, as validated). */
export const presetToJson = (preset: Preset): string => JSON.stringify(preset, null, 2);

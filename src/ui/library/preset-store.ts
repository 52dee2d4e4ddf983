/**
 * The preset library in IndexedDB: a small typed API over four object stores.
 *
 *   presets  { id, seq, factory, preset (model/IR as refs), modelSha, irSha, modelName, gear, updatedAt }
 *            indexes modelSha, irSha
 *   models   { sha256, text, fileName }     one per distinct .nam file, shared by presets
 *   irs      { sha256, wav, fileName }      one per distinct IR WAV, shared by presets
 *   meta     factorySeeded, seq
 *
 * Every write validates first (model builds, IR decodes, params and names pass the preset schema), then
 * runs in one transaction: a failure writes nothing. A model or IR is written once, keyed by its
 * SHA-256; when the last preset using it is deleted or changed, it is deleted in the same transaction
 * (garbage collection by the `modelSha`/`irSha` indexes).
 */
import { packBundle, parsePreset, unpackBundle, type Preset } from '../../preset/index.ts';
import { oneLine } from '../messages.ts';
import { inTransaction, openDatabase, request } from './idb.ts';
import { LibraryError, type IrRecord, type ModelRecord, type PresetContent, type PresetLabel, type PresetRecord, type PresetWithResources } from './library-types.ts';
import { cleanLabel, preparePreset, presetProblem, type PreparedPreset } from './prepare-preset.ts';

export const LIBRARY_DB_NAME = 'nam-rig-library';
const DB_VERSION = 1;
const PRESETS = 'presets';
const MODELS = 'models';
const IRS = 'irs';
const META = 'meta';
const ALL = [PRESETS, MODELS, IRS, META] as const;

/** A factory preset as shipped: its JSON and the files it refers to. */
export interface FactoryPreset {
  readonly json: string;
  readonly modelText: string;
  readonly modelFileName: string;
  readonly irWav: Uint8Array | null;
  readonly irFileName?: string;
}

export interface OpenStoreOptions {
  /** Default: the global `indexedDB`. */
  readonly factory?: IDBFactory;
  /** Default `LIBRARY_DB_NAME`. */
  readonly name?: string;
}

export interface StoreCounts {
  readonly presets: number;
  readonly models: number;
  readonly irs: number;
}

function newId(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  return `p-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** "Crunch" → "Crunch copy", "Crunch copy" → "Crunch copy 2", … (within the name length limit). */
export function copyName(name: string, taken: ReadonlySet<string>): string {
  const base = name.replace(/ copy(?: \d+)?$/, '');
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? ' copy' : ` copy ${n}`;
    const candidate = base.slice(0, 120 - suffix.length) + suffix;
    if (!taken.has(candidate)) return candidate;
  }
}

/** A file name for a preset's bundle: `Crunch Lead` → `Crunch Lead.namrig` (no path characters). */
export function bundleFileName(name: string): string {
  const safe = name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').trim() || 'preset';
  return `${safe}.namrig`;
}

export class PresetStore {
  private constructor(private readonly db: IDBDatabase) {}

  static async open(options: OpenStoreOptions = {}): Promise<PresetStore> {
    const factory = options.factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    if (!factory) throw new LibraryError('storage', 'This browser has no IndexedDB: the preset library is unavailable');
    try {
      const db = await openDatabase(factory, options.name ?? LIBRARY_DB_NAME, DB_VERSION, (d) => {
        if (!d.objectStoreNames.contains(PRESETS)) {
          const presets = d.createObjectStore(PRESETS, { keyPath: 'id' });
          presets.createIndex('modelSha', 'modelSha');
          presets.createIndex('irSha', 'irSha');
        }
        if (!d.objectStoreNames.contains(MODELS)) d.createObjectStore(MODELS, { keyPath: 'sha256' });
        if (!d.objectStoreNames.contains(IRS)) d.createObjectStore(IRS, { keyPath: 'sha256' });
        if (!d.objectStoreNames.contains(META)) d.createObjectStore(META);
      });
      return new PresetStore(db);
    } catch (e) {
      throw new LibraryError('storage', oneLine(e, 'The preset library could not be opened'));
    }
  }

  close(): void {
    this.db.close();
  }

  /** Every preset, in library order (factory presets first, then in the order they were added). */
  async list(): Promise<PresetRecord[]> {
    const all = await inTransaction(this.db, [PRESETS], 'readonly', (tx) => request(tx.objectStore(PRESETS).getAll() as IDBRequest<PresetRecord[]>));
    return all.sort((a, b) => a.seq - b.seq);
  }

  async get(id: string): Promise<PresetRecord> {
    const r = await inTransaction(this.db, [PRESETS], 'readonly', (tx) => request(tx.objectStore(PRESETS).get(id) as IDBRequest<PresetRecord | undefined>));
    if (!r) throw notFound(id);
    return r;
  }

  /** The preset with its model text and IR bytes. */
  async resources(id: string): Promise<PresetWithResources> {
    return inTransaction(this.db, [PRESETS, MODELS, IRS], 'readonly', async (tx) => {
      const record = (await request(tx.objectStore(PRESETS).get(id))) as PresetRecord | undefined;
      if (!record) throw notFound(id);
      const model = (await request(tx.objectStore(MODELS).get(record.modelSha))) as ModelRecord | undefined;
      if (!model) throw new LibraryError('storage', `The library has lost the model of "${record.preset.name}" (sha256 ${record.modelSha}); delete the preset and import it again`);
      let irWav: Uint8Array | null = null;
      if (record.irSha !== null) {
        const ir = (await request(tx.objectStore(IRS).get(record.irSha))) as IrRecord | undefined;
        if (!ir) throw new LibraryError('storage', `The library has lost the IR of "${record.preset.name}" (sha256 ${record.irSha}); delete the preset and import it again`);
        irWav = ir.wav;
      }
      return { record, modelText: model.text, irWav };
    });
  }

  /** Saves the rig as a new preset ("Save as"). */
  async saveNew(content: PresetContent, label: PresetLabel): Promise<PresetRecord> {
    const prepared = await preparePreset(content, label);
    return this.write(prepared, null, false);
  }

  /** Replaces a user preset's sound (params, model, IR), keeping its id, name, tags and notes ("Save"). */
  async overwrite(id: string, content: PresetContent): Promise<PresetRecord> {
    const existing = await this.get(id);
    if (existing.factory) throw new LibraryError('read-only', `"${existing.preset.name}" is a factory preset: use Save as to keep your changes`);
    const p = existing.preset;
    const prepared = await preparePreset(content, { name: p.name, tags: p.tags, author: p.author, notes: p.notes }, p.createdAt);
    return this.write(prepared, existing, false);
  }

  /** Changes a preset's name (and tags/notes when given). */
  async relabel(id: string, label: PresetLabel): Promise<PresetRecord> {
    return inTransaction(this.db, [PRESETS], 'readwrite', async (tx) => {
      const store = tx.objectStore(PRESETS);
      const record = (await request(store.get(id))) as PresetRecord | undefined;
      if (!record) throw notFound(id);
      const clean = cleanLabel({ name: label.name, tags: label.tags ?? record.preset.tags, author: label.author ?? record.preset.author, notes: label.notes ?? record.preset.notes });
      let preset: Preset;
      try {
        preset = parsePreset({ ...record.preset, ...clean, tags: [...clean.tags] });
      } catch (e) {
        throw presetProblem(e);
      }
      const updated: PresetRecord = { ...record, preset, updatedAt: new Date().toISOString() };
      await request(store.put(updated));
      return updated;
    });
  }

  async rename(id: string, name: string): Promise<PresetRecord> {
    return this.relabel(id, { name });
  }

  /** A copy of the preset (a user preset, named "… copy"), sharing its model and IR. */
  async duplicate(id: string): Promise<PresetRecord> {
    return inTransaction(this.db, [PRESETS, META], 'readwrite', async (tx) => {
      const store = tx.objectStore(PRESETS);
      const record = (await request(store.get(id))) as PresetRecord | undefined;
      if (!record) throw notFound(id);
      const all = (await request(store.getAll())) as PresetRecord[];
      const name = copyName(record.preset.name, new Set(all.map((r) => r.preset.name)));
      const now = new Date().toISOString();
      const copy: PresetRecord = { ...record, id: newId(), seq: await nextSeq(tx), factory: false, preset: { ...record.preset, name, createdAt: now }, updatedAt: now };
      await request(store.add(copy));
      return copy;
    });
  }

  /** Deletes the preset, and its model/IR when no other preset uses them. */
  async remove(id: string): Promise<void> {
    await inTransaction(this.db, ALL, 'readwrite', async (tx) => {
      const store = tx.objectStore(PRESETS);
      const record = (await request(store.get(id))) as PresetRecord | undefined;
      if (!record) throw notFound(id);
      await request(store.delete(id));
      await collect(tx, record.modelSha, record.irSha);
    });
  }

  /**
   * Adds the preset a `.namrig` bundle holds. A bundle that is not readable, misses a file, fails a
   * checksum or holds an invalid preset/model/IR is refused with a `LibraryError` naming the file and
   * the problem; the library is left as it was.
   */
  async importBundle(bytes: Uint8Array, fileName = 'bundle.namrig'): Promise<PresetRecord> {
    let prepared: PreparedPreset;
    try {
      const b = await unpackBundle(bytes);
      const p = b.preset;
      const modelFileName = 'ref' in p.model ? p.model.ref.fileName : (p.model.embedded.fileName ?? 'model.nam');
      const irFileName = p.ir === null ? undefined : 'ref' in p.ir ? p.ir.ref.fileName : (p.ir.embedded.fileName ?? 'ir.wav');
      prepared = await preparePreset(
        { params: p.params, modelText: b.modelText, modelFileName, irWav: b.irWav, ...(irFileName !== undefined ? { irFileName } : {}) },
        { name: p.name, tags: p.tags, author: p.author, notes: p.notes },
        p.createdAt,
      );
    } catch (e) {
      throw new LibraryError('invalid-bundle', oneLine(e instanceof LibraryError ? e.message : e, `${fileName} was not imported`));
    }
    return this.write(prepared, null, false);
  }

  /** The preset as `.namrig` bundle bytes (preset.json, model.nam, ir.wav). */
  async exportBundle(id: string): Promise<{ bytes: Uint8Array; fileName: string }> {
    const { record, modelText, irWav } = await this.resources(id);
    const bytes = await packBundle(record.preset, modelText, irWav ?? undefined);
    return { bytes, fileName: bundleFileName(record.preset.name) };
  }

  /** True until the factory presets have been added once (first run). */
  async needsFactory(): Promise<boolean> {
    return !(await inTransaction(this.db, [META], 'readonly', (tx) => request(tx.objectStore(META).get('factorySeeded'))));
  }

  /**
   * Adds the factory presets on first run: once per database (a flag in `meta`), so presets the user
   * deleted do not come back. Returns how many were added (0 when already done). All or nothing.
   */
  async seedFactory(items: readonly FactoryPreset[]): Promise<number> {
    if (!(await this.needsFactory())) return 0;
    const prepared: PreparedPreset[] = [];
    for (const item of items) {
      let name = 'factory preset';
      try {
        const p = parsePreset(item.json);
        name = p.name;
        prepared.push(
          await preparePreset(
            { params: p.params, modelText: item.modelText, modelFileName: item.modelFileName, irWav: item.irWav, ...(item.irFileName !== undefined ? { irFileName: item.irFileName } : {}) },
            { name: p.name, tags: p.tags, author: p.author, notes: p.notes },
            p.createdAt,
          ),
        );
      } catch (e) {
        throw new LibraryError('invalid-preset', oneLine(e instanceof LibraryError ? e.message : e, `Factory preset "${name}" did not load`));
      }
    }
    return inTransaction(this.db, ALL, 'readwrite', async (tx) => {
      if (await request(tx.objectStore(META).get('factorySeeded'))) return 0; // another tab was first
      for (const p of prepared) await put(tx, p, null, true);
      await request(tx.objectStore(META).put(true, 'factorySeeded'));
      return prepared.length;
    });
  }

  async counts(): Promise<StoreCounts> {
    return inTransaction(this.db, [PRESETS, MODELS, IRS], 'readonly', async (tx) => ({
      presets: await request(tx.objectStore(PRESETS).count()),
      models: await request(tx.objectStore(MODELS).count()),
      irs: await request(tx.objectStore(IRS).count()),
    }));
  }

  private write(prepared: PreparedPreset, existing: PresetRecord | null, factory: boolean): Promise<PresetRecord> {
    return inTransaction(this.db, ALL, 'readwrite', async (tx) => {
      if (existing && !(await request(tx.objectStore(PRESETS).get(existing.id)))) throw notFound(existing.id);
      const record = await put(tx, prepared, existing, factory);
      if (existing) await collect(tx, existing.modelSha, existing.irSha);
      return record;
    });
  }
}

const notFound = (id: string): LibraryError => new LibraryError('not-found', `No preset with id ${id} in the library (deleted in another tab?)`);

async function nextSeq(tx: IDBTransaction): Promise<number> {
  const meta = tx.objectStore(META);
  const seq = ((await request(meta.get('seq'))) as number | undefined) ?? 0;
  await request(meta.put(seq + 1, 'seq'));
  return seq + 1;
}

/** Writes the preset and, when not stored yet, its model and IR. */
async function put(tx: IDBTransaction, p: PreparedPreset, existing: PresetRecord | null, factory: boolean): Promise<PresetRecord> {
  const models = tx.objectStore(MODELS);
  if ((await request(models.count(p.model.sha256))) === 0) await request(models.add(p.model));
  if (p.ir) {
    const irs = tx.objectStore(IRS);
    if ((await request(irs.count(p.ir.sha256))) === 0) await request(irs.add(p.ir));
  }
  const record: PresetRecord = {
    id: existing?.id ?? newId(),
    seq: existing?.seq ?? (await nextSeq(tx)),
    factory: existing?.factory ?? factory,
    preset: p.preset,
    modelSha: p.model.sha256,
    irSha: p.ir?.sha256 ?? null,
    modelName: p.modelName,
    gear: p.gear,
    updatedAt: new Date().toISOString(),
  };
  await request(tx.objectStore(PRESETS).put(record));
  return record;
}

/** Deletes the model/IR when no preset refers to it any more. */
async function collect(tx: IDBTransaction, modelSha: string, irSha: string | null): Promise<void> {
  const presets = tx.objectStore(PRESETS);
  if ((await request(presets.index('modelSha').count(modelSha))) === 0) await request(tx.objectStore(MODELS).delete(modelSha));
  if (irSha !== null && (await request(presets.index('irSha').count(irSha))) === 0) await request(tx.objectStore(IRS).delete(irSha));
}

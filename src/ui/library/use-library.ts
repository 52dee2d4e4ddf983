/**
 * The preset library's state and actions for the UI (a React hook; the components only render it).
 *
 * - opens the IndexedDB store, fills it with the factory presets on first run, keeps the list;
 * - applies presets (validated first: a broken one leaves the rig as it was and says why), browses
 *   previous/next through the filtered list, optionally loudness-matched (output mode Normalized);
 * - save / save as / rename / duplicate / delete, .namrig import and export;
 * - A/B compare: two slots holding rigs; switching stores the current rig (with its tweaks) in the
 *   active slot and applies the other;
 * - share links: the current rig into the page URL's fragment; a `#p=` link in the URL on startup
 *   (after the default rig is up) is applied, a damaged one reported.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { oneLine } from '../messages.ts';
import type { IrInfo } from '../transport.ts';
import { downloadBytes } from './download.ts';
import { filterPresets, neighbour, type LibraryQuery } from './library-filter.ts';
import type { PresetLabel, PresetRecord } from './library-types.ts';
import type { FactoryPreset, PresetStore } from './preset-store.ts';
import { readyFromFiles, type ReadyRig } from './ready-rig.ts';
import type { RigSession, RigSnapshot } from './rig-session.ts';
import { contentFromSnapshot, hasShareFragment, readyFromLink, readyFromSnapshot, shareRig } from './snapshot-preset.ts';

export type StatusKind = 'info' | 'error';
export type SlotId = 'a' | 'b';

export interface CompareSlot {
  readonly label: string;
  readonly rig: ReadyRig;
}

export type ShareState =
  | { readonly kind: 'working' }
  | { readonly kind: 'link'; readonly link: string; readonly copied: boolean }
  | { readonly kind: 'too-large'; readonly message: string; readonly download: () => void };

export interface LibraryDeps {
  readonly session: RigSession;
  readonly openStore: () => Promise<PresetStore>;
  readonly loadFactory: () => Promise<FactoryPreset[]>;
  /** Settles when the default rig is loaded; a share link in the URL is applied after it. */
  readonly ready?: Promise<unknown>;
  onStatus(kind: StatusKind, text: string): void;
  /** An IR was loaded by a preset (for the IR panel). */
  onIr(info: IrInfo): void;
}

/** What the rig currently is, as far as the library knows. */
export interface CurrentPreset {
  /** The library preset last applied (null: a share link, a slot, or files loaded by hand). */
  readonly id: string | null;
  readonly name: string;
  readonly factory: boolean;
}

const LOUDNESS_KEY = 'nam-rig.loudnessMatched';
const NORMALIZED = { 'output.mode': 1 } as const;

function storedFlag(key: string): boolean {
  try {
    return globalThis.localStorage?.getItem(key) === '1';
  } catch {
    return false;
  }
}

function sameSound(a: RigSnapshot, b: RigSnapshot): boolean {
  if (a.model !== b.model || a.ir !== b.ir) return false;
  return Object.keys(a.params).every((k) => a.params[k] === b.params[k]);
}

export function useLibrary(deps: LibraryDeps) {
  const { session } = deps;
  const depsRef = useRef(deps);
  depsRef.current = deps;
  const status = useCallback((kind: StatusKind, text: string) => depsRef.current.onStatus(kind, text), []);

  const [store, setStore] = useState<PresetStore | null>(null);
  const [unavailable, setUnavailable] = useState<string | null>(null);
  const [records, setRecords] = useState<PresetRecord[]>([]);
  const [query, setQuery] = useState<LibraryQuery>({});
  const [current, setCurrent] = useState<CurrentPreset>({ id: null, name: 'Default rig', factory: false });
  const applied = useRef<RigSnapshot | null>(null);
  const [, setVersion] = useState(0);
  const [loudnessMatched, setLoudnessMatchedState] = useState(() => storedFlag(LOUDNESS_KEY));
  const [slots, setSlots] = useState<Record<SlotId, CompareSlot | null>>({ a: null, b: null });
  const [activeSlot, setActiveSlot] = useState<SlotId | null>(null);
  const [share, setShare] = useState<ShareState | null>(null);

  useEffect(() => session.onChange(() => setVersion((v) => v + 1)), [session]);

  const refresh = useCallback(async (s: PresetStore) => setRecords(await s.list()), []);

  // Open the library (and fill it on first run). Closed on unmount, once opening has finished.
  useEffect(() => {
    let live = true;
    const opening = (async (): Promise<PresetStore | null> => {
      let opened: PresetStore;
      try {
        opened = await depsRef.current.openStore();
      } catch (e) {
        if (live) setUnavailable(oneLine(e));
        return null;
      }
      try {
        if (live && (await opened.needsFactory())) {
          try {
            await opened.seedFactory(await depsRef.current.loadFactory());
          } catch (e) {
            if (live) status('error', oneLine(e, 'The factory presets did not load'));
          }
        }
        const list = await opened.list();
        if (live) {
          setStore(opened);
          setRecords(list);
        }
      } catch (e) {
        if (live) setUnavailable(oneLine(e));
      }
      return opened;
    })();
    return () => {
      live = false;
      void opening.then((s) => s?.close());
    };
  }, [status]);

  const applyRig = useCallback(
    (rig: ReadyRig, who: CurrentPreset, overrides: Readonly<Record<string, number>> = {}) => {
      session.apply(rig, overrides);
      applied.current = session.snapshot();
      setCurrent(who);
      if (rig.ir) depsRef.current.onIr({ name: rig.ir.name, sampleRate: rig.ir.sampleRate, length: rig.ir.samples.length, channels: 1 });
    },
    [session],
  );

  const overridesNow = useCallback((): Readonly<Record<string, number>> => (loudnessMatched ? NORMALIZED : {}), [loudnessMatched]);

  /** Applies a library preset; nothing changes when it fails (the message says why). */
  const load = useCallback(
    async (record: PresetRecord) => {
      if (!store) return;
      try {
        const res = await store.resources(record.id);
        const rig = readyFromFiles(res.record.preset, res.modelText, res.irWav);
        applyRig(rig, { id: record.id, name: record.preset.name, factory: record.factory }, overridesNow());
        setActiveSlot(null);
        status('info', `Loaded preset ${record.preset.name}${loudnessMatched ? ' (loudness-matched)' : ''}`);
      } catch (e) {
        status('error', oneLine(e, `Preset "${record.preset.name}" was not loaded, the rig is unchanged`));
      }
    },
    [store, applyRig, overridesNow, status, loudnessMatched],
  );

  const visible = useMemo(() => filterPresets(records, query), [records, query]);

  const step = useCallback(
    (dir: -1 | 1) => {
      const next = neighbour(visible, current.id, dir);
      if (next) void load(next);
    },
    [visible, current.id, load],
  );

  const setLoudnessMatched = useCallback(
    (on: boolean) => {
      setLoudnessMatchedState(on);
      try {
        globalThis.localStorage?.setItem(LOUDNESS_KEY, on ? '1' : '0');
      } catch {
        /* private mode: not remembered */
      }
      if (on && session.snapshot().params['output.mode'] !== 1) session.setParams(NORMALIZED);
    },
    [session],
  );

  /** Runs a store action, refreshes the list, reports failures. */
  const act = useCallback(
    async <T>(what: string, f: (s: PresetStore) => Promise<T>): Promise<T | undefined> => {
      if (!store) {
        status('error', `${what}: the preset library is not available${unavailable ? ` (${unavailable})` : ''}`);
        return undefined;
      }
      try {
        const r = await f(store);
        await refresh(store);
        return r;
      } catch (e) {
        status('error', oneLine(e, what));
        await refresh(store).catch(() => undefined);
        return undefined;
      }
    },
    [store, status, refresh, unavailable],
  );

  const saveAs = useCallback(
    async (label: PresetLabel): Promise<boolean> => {
      const r = await act('Not saved', (s) => s.saveNew(contentFromSnapshot(session.snapshot()), label));
      if (!r) return false;
      applied.current = session.snapshot();
      setCurrent({ id: r.id, name: r.preset.name, factory: false });
      status('info', `Saved preset ${r.preset.name}`);
      return true;
    },
    [act, session, status],
  );

  /** Saves over the current user preset; false when there is none (the caller asks for a name). */
  const save = useCallback(async (): Promise<boolean> => {
    if (current.id === null || current.factory) return false;
    const r = await act('Not saved', (s) => s.overwrite(current.id!, contentFromSnapshot(session.snapshot())));
    if (r) {
      applied.current = session.snapshot();
      status('info', `Saved preset ${r.preset.name}`);
    }
    return true;
  }, [act, current, session, status]);

  const relabel = useCallback(
    async (id: string, label: PresetLabel): Promise<boolean> => {
      const r = await act('Not renamed', (s) => s.relabel(id, label));
      if (r && current.id === id) setCurrent((c) => ({ ...c, name: r.preset.name }));
      return r !== undefined;
    },
    [act, current.id],
  );

  const duplicate = useCallback(
    async (id: string) => {
      const r = await act('Not duplicated', (s) => s.duplicate(id));
      if (r) status('info', `Duplicated as ${r.preset.name}`);
    },
    [act, status],
  );

  const remove = useCallback(
    async (record: PresetRecord) => {
      const done = await act('Not deleted', async (s) => {
        await s.remove(record.id);
        return true;
      });
      if (done) {
        if (current.id === record.id) setCurrent((c) => ({ ...c, id: null }));
        status('info', `Deleted preset ${record.preset.name}`);
      }
    },
    [act, current.id, status],
  );

  const exportPreset = useCallback(
    async (id: string) => {
      const r = await act('Not exported', (s) => s.exportBundle(id));
      if (r) downloadBytes(r.bytes, r.fileName);
    },
    [act],
  );

  const importFiles = useCallback(
    async (files: readonly File[]) => {
      const added: string[] = [];
      const errors: string[] = [];
      for (const f of files) {
        const r = await act(`${f.name} was not imported`, async (s) => s.importBundle(new Uint8Array(await f.arrayBuffer()), f.name)).catch(() => undefined);
        if (r) added.push(r.preset.name);
        else errors.push(f.name);
      }
      if (added.length && !errors.length) status('info', `Imported ${added.join(', ')}`);
    },
    [act, status],
  );

  // A/B compare
  const fillSlot = useCallback(
    async (slot: SlotId, source: 'current' | string) => {
      try {
        let filled: CompareSlot;
        if (source === 'current') {
          const rig = readyFromSnapshot(session.snapshot(), current.name);
          if (!rig) throw new Error('no model is loaded yet');
          filled = { label: current.name, rig };
        } else {
          if (!store) return;
          const res = await store.resources(source);
          filled = { label: res.record.preset.name, rig: readyFromFiles(res.record.preset, res.modelText, res.irWav) };
        }
        setSlots((s) => ({ ...s, [slot]: filled }));
        if (activeSlot === slot) setActiveSlot(null);
      } catch (e) {
        status('error', oneLine(e, `Slot ${slot.toUpperCase()} not set`));
      }
    },
    [session, current.name, store, status, activeSlot],
  );

  const switchSlot = useCallback(
    (slot: SlotId) => {
      const target = slots[slot];
      if (!target || slot === activeSlot) return;
      // the active slot keeps the rig as it is now, tweaks included
      const kept = activeSlot ? readyFromSnapshot(session.snapshot(), slots[activeSlot]?.label ?? '') : null;
      const next = { ...slots };
      if (activeSlot && kept) next[activeSlot] = { label: slots[activeSlot]!.label, rig: kept };
      setSlots(next);
      applyRig(target.rig, { id: null, name: target.label, factory: false }, overridesNow());
      setActiveSlot(slot);
      status('info', `Comparing: ${slot.toUpperCase()} (${target.label})${loudnessMatched ? ', loudness-matched' : ''}`);
    },
    [slots, activeSlot, session, applyRig, overridesNow, status, loudnessMatched],
  );

  // Share links
  const shareCurrent = useCallback(async () => {
    setShare({ kind: 'working' });
    try {
      const r = await shareRig(session.snapshot(), current.name, window.location.href);
      if (r.kind === 'link') {
        window.history.replaceState(null, '', r.link);
        let copied = false;
        try {
          await navigator.clipboard.writeText(r.link);
          copied = true;
        } catch {
          /* no clipboard permission: the link is shown to copy by hand */
        }
        setShare({ kind: 'link', link: r.link, copied });
      } else {
        const name = current.name;
        setShare({
          kind: 'too-large',
          message: r.message,
          download: () => void r.bundle().then((b) => downloadBytes(b, `${name.replace(/[\\/:*?"<>|]+/g, '_') || 'preset'}.namrig`), (e: unknown) => status('error', oneLine(e, 'The bundle was not made'))),
        });
      }
    } catch (e) {
      setShare(null);
      status('error', oneLine(e, 'No share link'));
    }
  }, [session, current.name, status]);

  // A share link in the page URL: applied once the default rig is up (and when the fragment changes).
  useEffect(() => {
    let live = true;
    const open = async (): Promise<void> => {
      if (!hasShareFragment(window.location.hash)) return;
      try {
        const rig = await readyFromLink(window.location.href);
        if (!live) return;
        applyRig(rig, { id: null, name: rig.presetName, factory: false });
        status('info', `Opened shared preset ${rig.presetName}`);
      } catch (e) {
        if (live) status('error', `${oneLine(e)}. The current rig was kept.`);
      }
    };
    const onHash = (): void => void open();
    void Promise.resolve(depsRef.current.ready)
      .catch(() => undefined)
      .then(() => open());
    window.addEventListener('hashchange', onHash);
    return () => {
      live = false;
      window.removeEventListener('hashchange', onHash);
    };
  }, [applyRig, status]);

  const snapshot = session.snapshot();
  const modified = applied.current !== null && !sameSound(applied.current, snapshot);

  return {
    available: store !== null,
    loading: store === null && unavailable === null,
    unavailable,
    records,
    visible,
    query,
    setQuery,
    current,
    modified,
    hasModel: snapshot.model !== null,
    load,
    step,
    loudnessMatched,
    setLoudnessMatched,
    save,
    saveAs,
    relabel,
    duplicate,
    remove,
    exportPreset,
    importFiles,
    slots,
    activeSlot,
    fillSlot,
    switchSlot,
    share,
    shareCurrent,
    closeShare: () => setShare(null),
  };
}

export type Library = ReturnType<typeof useLibrary>;

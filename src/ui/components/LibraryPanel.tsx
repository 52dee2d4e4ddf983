/**
 * The preset library panel: the preset bar (browse, save, share, loudness match), the name form, the
 * share-link result, the browser (search, filters, list, import) and the A/B compare. State and
 * actions come from `useLibrary`; `.namrig` files dropped on the window reach it through the handle.
 */
import { forwardRef, useImperativeHandle, useState } from 'react';
import { useLibrary, type LibraryDeps } from '../library/use-library.ts';
import type { PresetRecord } from '../library/library-types.ts';
import { PresetBar } from './PresetBar.tsx';
import { PresetBrowser } from './PresetBrowser.tsx';
import { PresetCompare } from './PresetCompare.tsx';
import { PresetNameForm, type NameFormValues } from './PresetNameForm.tsx';
import { ShareLinkPanel } from './ShareLinkPanel.tsx';

export interface LibraryHandle {
  /** Imports `.namrig` files (dropped on the window). */
  importFiles(files: File[]): void;
}

type Form = { readonly mode: 'save-as'; readonly initial: NameFormValues } | { readonly mode: 'rename'; readonly id: string; readonly initial: NameFormValues };

export const LibraryPanel = forwardRef<LibraryHandle, LibraryDeps>(function LibraryPanel(deps, ref) {
  const lib = useLibrary(deps);
  const [form, setForm] = useState<Form | null>(null);
  useImperativeHandle(ref, () => ({ importFiles: (files) => void lib.importFiles(files) }), [lib.importFiles]);

  const openSaveAs = (): void => {
    const base = lib.records.find((r) => r.id === lib.current.id);
    setForm({ mode: 'save-as', initial: { name: lib.current.name === 'Default rig' ? '' : lib.current.name, tags: base ? base.preset.tags.filter((t) => t !== 'factory').join(', ') : '' } });
  };
  const openRename = (r: PresetRecord): void => setForm({ mode: 'rename', id: r.id, initial: { name: r.preset.name, tags: r.preset.tags.join(', ') } });
  const submit = async (v: NameFormValues): Promise<boolean> => {
    const label = { name: v.name, tags: v.tags.split(',') };
    const ok = form?.mode === 'rename' ? await lib.relabel(form.id, label) : await lib.saveAs(label);
    if (ok) setForm(null);
    return ok;
  };

  return (
    <section className="library" aria-label="Presets" data-testid="library">
      <PresetBar
        lib={lib}
        onSave={() => void lib.save().then((saved) => saved || openSaveAs())}
        onSaveAs={openSaveAs}
      />
      {form && <PresetNameForm key={form.mode === 'rename' ? form.id : 'save-as'} title={form.mode === 'rename' ? 'Rename preset' : 'Save as new preset'} submitLabel={form.mode === 'rename' ? 'Rename' : 'Save'} initial={form.initial} onSubmit={submit} onCancel={() => setForm(null)} />}
      {lib.share && <ShareLinkPanel share={lib.share} onClose={lib.closeShare} />}
      <div className="library-body">
        <PresetBrowser lib={lib} onRename={openRename} />
        <PresetCompare lib={lib} />
      </div>
    </section>
  );
});

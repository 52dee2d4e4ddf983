/** The inline form that names a preset (save as, rename): name and comma-separated tags. */
import { useState, type FormEvent } from 'react';

export interface NameFormValues {
  readonly name: string;
  /** Comma-separated. */
  readonly tags: string;
}

export interface PresetNameFormProps {
  readonly title: string;
  readonly submitLabel: string;
  readonly initial: NameFormValues;
  /** Resolves true when done (the form closes), false to keep it open. */
  onSubmit(values: NameFormValues): Promise<boolean>;
  onCancel(): void;
}

export function PresetNameForm({ title, submitLabel, initial, onSubmit, onCancel }: PresetNameFormProps) {
  const [name, setName] = useState(initial.name);
  const [tags, setTags] = useState(initial.tags);
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setBusy(true);
    void onSubmit({ name, tags }).finally(() => setBusy(false));
  };
  return (
    <form className="name-form" aria-label={title} onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <span className="name-form-title">{title}</span>
      <label>
        Name
        <input type="text" value={name} maxLength={120} autoFocus required onChange={(e) => setName(e.target.value)} data-testid="preset-name-input" />
      </label>
      <label>
        Tags
        <input type="text" value={tags} placeholder="clean, blues, live" onChange={(e) => setTags(e.target.value)} data-testid="preset-tags-input" />
      </label>
      <button type="submit" className="primary" disabled={busy || !name.trim()}>
        {submitLabel}
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}

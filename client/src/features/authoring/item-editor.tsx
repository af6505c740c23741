/**
 * The item edit form. It sends only what changed (PUT /api/bank/items/:id); the server validates the edited item as
 * it validates a file import and makes a new version for any content change. Server problems (400) are shown next to
 * the field they point at and listed in a summary that takes focus.
 */
import { useId, useRef, useState } from 'react';
import { editItem, OPTION_LETTERS, STATUSES, type BankItem, type EditResponse, type ItemStatus, type KwaChoice, type Problem } from './api.ts';
import { draftOf, editPatch, fieldOfPointer, makesNewVersion, type ItemDraft } from './author-helpers.ts';
import { useFocusOn } from './use-focus.ts';
import { ImageField } from './item-image-field.tsx';

export function savedText(r: EditResponse, before: BankItem): string {
  if (r.change === 'changed' || r.change === 'new') return `Saved as version ${r.version} (bank revision ${r.revision}). Version ${before.version} stays unchanged on every form that delivered it.`;
  if (r.change === 'status-changed' || r.change === 'retired') return `Status saved; still version ${r.version} (a status change is not a new version).`;
  return `Nothing changed; still version ${r.version}.`;
}

const FIELD_LABEL: Record<string, string> = { kwa: 'KWA', status: 'Status', stem: 'Stem', image: 'Picture for the stem', options: 'Options', key: 'Key', rationale: 'Rationale', topics: 'Topics' };

export function ItemEditor({ item, kwas, onCancel, onSaved }: { item: BankItem; kwas: KwaChoice[]; onCancel: () => void; onSaved: (r: EditResponse) => void }) {
  const [draft, setDraft] = useState<ItemDraft>(() => draftOf(item));
  const [problems, setProblems] = useState<Problem[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const summaryRef = useRef<HTMLDivElement>(null);
  const [failedSaves, setFailedSaves] = useState(0);
  useFocusOn(summaryRef, failedSaves);
  const uid = useId();
  const id = (field: string) => `${uid}-${field}`;

  const patch = editPatch(item, draft);
  const dirty = Object.keys(patch).length > 0;
  const newVersion = makesNewVersion(item, patch);

  const byField = new Map<string, Problem[]>();
  const unplaced: Problem[] = [];
  for (const p of problems) {
    const f = fieldOfPointer(p.pointer);
    const known = f && (FIELD_LABEL[f] || f.startsWith('option-'));
    if (known) byField.set(f, [...(byField.get(f) ?? []), p]);
    else unplaced.push(p);
  }
  const errorOf = (field: string) => byField.get(field);
  const describe = (field: string, hint?: string) => [hint, errorOf(field) ? id(`${field}-error`) : undefined].filter(Boolean).join(' ') || undefined;
  const fieldLabel = (f: string) => {
    const option = /^option-(\d+)(-image)?$/.exec(f);
    if (!option) return FIELD_LABEL[f] ?? f;
    const letter = OPTION_LETTERS[Number(option[1])] ?? '';
    return option[2] ? `Picture for option ${letter}` : `Option ${letter}`;
  };

  function update<K extends keyof ItemDraft>(k: K, v: ItemDraft[K]) {
    setDraft((d) => ({ ...d, [k]: v }));
  }

  function setOption(i: number, text: string) {
    setDraft((d) => ({ ...d, options: d.options.map((o, j) => (j === i ? { ...o, text } : o)) }));
  }

  function setOptionImage(i: number, image: ItemDraft['image']) {
    setDraft((d) => ({ ...d, options: d.options.map((o, j) => (j !== i ? o : image ? { ...o, image } : { id: o.id, text: o.text })) }));
  }

  function addOption() {
    setDraft((d) => (d.options.length >= 5 ? d : { ...d, options: [...d.options, { id: OPTION_LETTERS[d.options.length]!, text: '' }] }));
  }

  function removeLastOption() {
    setDraft((d) => {
      if (d.options.length <= 3) return d;
      const options = d.options.slice(0, -1);
      return { ...d, options, key: options.some((o) => o.id === d.key) ? d.key : '' };
    });
  }

  async function save(e: React.FormEvent) {
    e.preventDefault();
    if (!dirty) return;
    setSaving(true);
    const r = await editItem(item.id, patch);
    setSaving(false);
    if (r.ok) {
      setProblems([]);
      setFormError(null);
      onSaved(r.data);
      return;
    }
    setProblems(r.error.problems ?? []);
    setFormError(r.error.problems?.length ? null : r.error.message);
    setFailedSaves((n) => n + 1);
  }

  const errorText = (field: string) => {
    const list = errorOf(field);
    return list ? (
      <span id={id(`${field}-error`)} className="author-field-error">
        {list.map((p) => p.message).join('; ')}
      </span>
    ) : null;
  };

  return (
    <form className="stack author-editor" onSubmit={save} noValidate aria-labelledby={id('title')}>
      <h4 id={id('title')}>Edit {item.id}</h4>
      <p className="banner info">
        Delivered versions never change. Saving a change to the KWA, stem, pictures, options, key, rationale or topics makes <strong>version {item.version + 1}</strong>; every form that delivered version {item.version} keeps
        showing and scoring it. A status change alone keeps version {item.version}.
      </p>

      {(problems.length > 0 || formError) && (
        <div ref={summaryRef} tabIndex={-1} className="banner error author-error-summary">
          <p>
            <strong>
              Not saved: {problems.length > 0 ? `${problems.length} problem${problems.length === 1 ? '' : 's'}` : 'the server refused the change'}
            </strong>
          </p>
          <ul>
            {formError && <li>{formError}</li>}
            {problems.map((p, i) => {
              const f = fieldOfPointer(p.pointer);
              const placed = f && !unplaced.includes(p);
              return (
                <li key={i}>
                  {placed ? (
                    <a
                      href={`#${id(f === 'key' ? 'key-0' : f)}`}
                      onClick={(e) => {
                        const target = document.getElementById(id(f === 'key' ? 'key-0' : f));
                        if (!target) return;
                        e.preventDefault();
                        target.focus();
                      }}
                    >
                      {fieldLabel(f)}: {p.message}
                    </a>
                  ) : (
                    <>
                      {p.pointer && <code>{p.pointer}</code>} {p.message}
                    </>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      )}

      <div className="author-two">
        <div className="author-field">
          <label htmlFor={id('kwa')}>KWA</label>
          {kwas.length > 0 ? (
            <select id={id('kwa')} value={draft.kwa} onChange={(e) => update('kwa', e.currentTarget.value)} aria-invalid={!!errorOf('kwa')} aria-describedby={describe('kwa')}>
              {!kwas.some((k) => k.code === draft.kwa) && <option value={draft.kwa}>{draft.kwa}</option>}
              {kwas.map((k) => (
                <option key={k.code} value={k.code}>
                  {k.code} — {k.title}
                </option>
              ))}
            </select>
          ) : (
            <input id={id('kwa')} value={draft.kwa} onChange={(e) => update('kwa', e.currentTarget.value)} aria-invalid={!!errorOf('kwa')} aria-describedby={describe('kwa')} />
          )}
          {errorText('kwa')}
        </div>
        <div className="author-field">
          <label htmlFor={id('status')}>Status</label>
          <select id={id('status')} value={draft.status} onChange={(e) => update('status', e.currentTarget.value as ItemStatus)} aria-invalid={!!errorOf('status')} aria-describedby={describe('status')}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          {errorText('status')}
        </div>
      </div>

      <div className="author-field">
        <label htmlFor={id('stem')}>Stem</label>
        <textarea id={id('stem')} rows={3} value={draft.stem} onChange={(e) => update('stem', e.currentTarget.value)} aria-invalid={!!errorOf('stem')} aria-describedby={describe('stem')} />
        {errorText('stem')}
      </div>
      <ImageField id={id('image')} label="for the stem" image={draft.image} onChange={(image) => update('image', image)} error={errorText('image')} errorId={errorOf('image') ? id('image-error') : undefined} />

      <fieldset className="author-fieldset" aria-describedby={describe('options', id('options-hint'))}>
        <legend>Options and key</legend>
        <p id={id('options-hint')} className="muted">
          3 to 5 options. Mark the one correct option as the key.
        </p>
        {errorText('options')}
        {draft.options.map((o, i) => {
          const f = `option-${i}`;
          return (
            <div key={o.id} className="author-option-row">
              <label className="check author-key-radio">
                <input type="radio" id={id(`key-${i}`)} name={id('key')} value={o.id} checked={draft.key === o.id} onChange={() => update('key', o.id)} />
                <span>
                  Key<span className="visually-hidden">: option {o.id}</span>
                </span>
              </label>
              <div className="author-field author-option-field">
                <label htmlFor={id(f)}>Option {o.id}</label>
                <input id={id(f)} value={o.text} onChange={(e) => setOption(i, e.currentTarget.value)} aria-invalid={!!errorOf(f)} aria-describedby={describe(f)} />
                {errorText(f)}
                <ImageField
                  id={id(`${f}-image`)}
                  label={`for option ${o.id}`}
                  image={o.image ?? null}
                  onChange={(image) => setOptionImage(i, image)}
                  error={errorText(`${f}-image`)}
                  errorId={errorOf(`${f}-image`) ? id(`${f}-image-error`) : undefined}
                />
              </div>
            </div>
          );
        })}
        {errorText('key')}
        <div className="row">
          <button type="button" className="secondary" onClick={addOption} disabled={draft.options.length >= 5}>
            Add option {OPTION_LETTERS[draft.options.length] ?? ''}
          </button>
          <button type="button" className="secondary" onClick={removeLastOption} disabled={draft.options.length <= 3}>
            Remove option {draft.options[draft.options.length - 1]?.id}
          </button>
        </div>
      </fieldset>

      <div className="author-field">
        <label htmlFor={id('rationale')}>Rationale</label>
        <textarea id={id('rationale')} rows={3} value={draft.rationale} onChange={(e) => update('rationale', e.currentTarget.value)} aria-invalid={!!errorOf('rationale')} aria-describedby={describe('rationale')} />
        {errorText('rationale')}
      </div>

      <div className="author-field">
        <label htmlFor={id('topics')}>Topics</label>
        <input id={id('topics')} value={draft.topics} onChange={(e) => update('topics', e.currentTarget.value)} aria-invalid={!!errorOf('topics')} aria-describedby={describe('topics', id('topics-hint'))} />
        <span id={id('topics-hint')} className="muted">
          Separated by commas; lowercase words joined by dashes, e.g. lockout-tagout.
        </span>
        {errorText('topics')}
      </div>

      <p className="muted" aria-live="polite">
        {!dirty ? 'No changes yet.' : newVersion ? `Saving makes version ${item.version + 1}.` : `Saving changes the status only; the item stays at version ${item.version}.`}
      </p>
      <div className="row">
        <button type="submit" disabled={!dirty || saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

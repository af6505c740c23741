/**
 * One item in full (key and rationale included), with its actions: preview as a candidate sees it (the server's
 * preview has no key, and it is drawn with the exam's own markup and classes), edit, retire after a confirmation, and
 * the review steps with the item's history (item-review.tsx).
 */
import { useEffect, useRef, useState } from 'react';
import { Dialog } from '../../components/ui/dialog.tsx';
import { previewItem, retireItem, type BankItem, type ItemPreview, type KwaChoice } from './api.ts';
import { fmt } from './author-helpers.ts';
import { useFocusOn } from './use-focus.ts';
import { ItemEditor, savedText } from './item-editor.tsx';
import { ItemReview } from './item-review.tsx';
import { BankImage } from './item-image-field.tsx';

export function ItemDetail({ item, kwas, onClose, onSaved, announce }: { item: BankItem; kwas: KwaChoice[]; onClose: () => void; onSaved: () => void; announce: (text: string) => void }) {
  const [mode, setMode] = useState<'view' | 'edit'>('view');
  const [notice, setNotice] = useState<{ tone: 'info' | 'error'; text: string } | null>(null);
  const [preview, setPreview] = useState<ItemPreview | null>(null);
  const [confirmRetire, setConfirmRetire] = useState(false);
  const [busy, setBusy] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const noticeRef = useRef<HTMLParagraphElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const [backToEdit, setBackToEdit] = useState(0);
  useFocusOn(noticeRef, notice);
  useFocusOn(editButton, backToEdit);
  const c = item.content;
  const kwaTitle = kwas.find((k) => k.code === c.kwa)?.title;

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  function showNotice(tone: 'info' | 'error', text: string) {
    setNotice({ tone, text });
    announce(text);
  }

  async function openPreview() {
    // The button stays enabled while loading: disabling it would drop focus, and the dialog gives focus back on close.
    if (busy) return;
    setBusy(true);
    const r = await previewItem(item.id);
    setBusy(false);
    if (r.ok) setPreview(r.data);
    else showNotice('error', `The preview could not be loaded: ${r.error.message}`);
  }

  async function retire() {
    setBusy(true);
    const r = await retireItem(item.id);
    setBusy(false);
    setConfirmRetire(false);
    if (r.ok) {
      showNotice('info', `${item.id} is retired. It is no longer drawn onto new forms; forms already delivered keep it.`);
      onSaved();
    } else showNotice('error', `${item.id} was not retired: ${r.error.message}`);
  }

  return (
    <section className="author-detail card" aria-labelledby="item-detail-title">
      <div className="author-detail-head">
        <h3 id="item-detail-title" ref={headingRef} tabIndex={-1}>
          <span className="author-mono">{item.id}</span> <span className="muted">· version {item.version}</span>
        </h3>
        <button type="button" className="secondary" onClick={onClose}>
          Close<span className="visually-hidden"> {item.id}</span>
        </button>
      </div>
      {notice && (
        <p ref={noticeRef} tabIndex={-1} className={`banner ${notice.tone}`} data-testid="item-notice">
          {notice.text}
        </p>
      )}

      {mode === 'edit' ? (
        <ItemEditor
          item={item}
          kwas={kwas}
          onCancel={() => {
            setMode('view');
            setBackToEdit((n) => n + 1);
          }}
          onSaved={(r) => {
            setMode('view');
            showNotice('info', savedText(r, item));
            onSaved();
          }}
        />
      ) : (
        <>
          <dl className="author-meta">
            <div>
              <dt>Module</dt>
              <dd>{item.module}</dd>
            </div>
            <div>
              <dt>KWA</dt>
              <dd>
                {c.kwa}
                {kwaTitle && <span className="muted"> — {kwaTitle}</span>}
              </dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                <span className={`author-status status-${item.status}`}>{item.status}</span>
              </dd>
            </div>
            <div>
              <dt>Topics</dt>
              <dd>{c.topics.length ? c.topics.join(', ') : <span className="muted">none</span>}</dd>
            </div>
            {item.stats && (
              <div>
                <dt>Stored statistics</dt>
                <dd>
                  p {fmt(item.stats.p)}
                  {item.stats.pointBiserial !== undefined && <> · r<sub>pb</sub> {fmt(item.stats.pointBiserial)}</>}
                  {item.stats.n !== undefined && <> · n {item.stats.n}</>}
                </dd>
              </div>
            )}
          </dl>
          <div className="stack">
            <h4>Stem</h4>
            <p className="author-stem">{c.stem}</p>
            {c.image && <BankImage image={c.image} />}
            <h4>Options</h4>
            <ol className="author-options">
              {c.options.map((o) => (
                <li key={o.id} className={o.id === c.key ? 'is-key' : undefined}>
                  <span className="option-letter">{o.id}</span>
                  <span>{o.text}</span>
                  {o.image && <BankImage image={o.image} small />}
                  {o.id === c.key && <span className="tag author-key-tag">Key</span>}
                </li>
              ))}
            </ol>
            <h4>Rationale</h4>
            <p>{c.rationale}</p>
          </div>
          <p className="muted">Versions on delivered forms never change. Editing the content makes version {item.version + 1}; forms that used version {item.version} keep it.</p>
          <div className="row">
            <button type="button" onClick={() => void openPreview()} aria-disabled={busy || undefined}>
              Preview as candidate
            </button>
            <button type="button" ref={editButton} className="secondary" onClick={() => setMode('edit')} disabled={busy}>
              Edit
            </button>
            <button type="button" className="secondary" onClick={() => setConfirmRetire(true)} disabled={busy || item.status === 'retired'}>
              Retire…
            </button>
          </div>
          <ItemReview item={item} onChanged={onSaved} announce={announce} />
        </>
      )}

      {preview && <PreviewDialog preview={preview} onClose={() => setPreview(null)} />}
      {confirmRetire && <RetireDialog id={item.id} busy={busy} onConfirm={() => void retire()} onCancel={() => setConfirmRetire(false)} />}
    </section>
  );
}

const LETTERS = ['A', 'B', 'C', 'D', 'E'];

/** The question exactly as the exam draws it (features/exam-session/exam-screen.tsx): a fieldset, the stem as its legend, radio options. */
function PreviewDialog({ preview, onClose }: { preview: ItemPreview; onClose: () => void }) {
  const [choice, setChoice] = useState<string | null>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  return (
    <Dialog title={`Preview of ${preview.itemId}`} onClose={onClose} className="author-preview-dialog" initialFocus={closeRef}>
      <p className="muted">What a candidate sees: no key, no rationale. Choosing an option here records nothing.</p>
      <div className="question-panel author-preview" data-testid="candidate-preview">
        <fieldset className="question">
          <legend className="stem">{preview.stem}</legend>
          {preview.image && <BankImage image={preview.image} />}
          <div className="options">
            {preview.options.map((o, i) => (
              <label key={o.id} className={`option${choice === o.id ? ' checked' : ''}`}>
                <input type="radio" name={`preview-${preview.itemId}`} value={o.id} checked={choice === o.id} onChange={() => setChoice(o.id)} />
                <span className="option-letter">{LETTERS[i]}</span>
                <span className="option-text">
                  {o.text}
                  {o.image && <BankImage image={o.image} small />}
                </span>
              </label>
            ))}
          </div>
        </fieldset>
      </div>
      <div className="dialog-actions">
        <button type="button" ref={closeRef} onClick={onClose}>
          Close preview
        </button>
      </div>
    </Dialog>
  );
}

function RetireDialog({ id, busy, onConfirm, onCancel }: { id: string; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  return (
    <Dialog title={`Retire ${id}?`} role="alertdialog" onClose={onCancel} initialFocus={cancelRef}>
      <p>A retired item is no longer drawn onto new forms. Forms already delivered keep it, and their scores do not change.</p>
      <div className="dialog-actions">
        <button type="button" ref={cancelRef} className="secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" onClick={onConfirm} disabled={busy}>
          Retire item
        </button>
      </div>
    </Dialog>
  );
}

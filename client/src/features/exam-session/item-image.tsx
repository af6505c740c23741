/**
 * An image in a question (under the stem or in an option): it scales with the page and the text-size setting
 * (max-width 100%), carries its alt text for screen readers, and opens larger in a dialog (a button, so keyboard
 * operable; Escape or Close closes it and focus returns to the button). `src` is the exam session's own media route,
 * which serves it only while the exam is in progress, or a practice test's (practice-api.ts), which serves it only to
 * the candidate of that test.
 */
import { useRef, useState } from 'react';
import { Dialog } from '../../components/ui/dialog.tsx';
import type { CandidateImage } from '../../../../shared/protocol/session-protocol.ts';

export const imageUrl = (sessionId: string, image: CandidateImage) => `/api/sessions/${encodeURIComponent(sessionId)}/media/${image.sha256}`;

/** `inline={false}`: only the Enlarge button and its dialog (an option's picture sits inside the option's label). */
export function ItemImage(props: { src: string; image: CandidateImage; label: string; inline?: boolean }) {
  const [open, setOpen] = useState(false);
  const closeRef = useRef<HTMLButtonElement>(null);
  const src = props.src;
  const button = (
    <button type="button" className="secondary enlarge-btn" onClick={() => setOpen(true)} aria-label={`Enlarge the ${props.label}`}>
      Enlarge
    </button>
  );
  const Wrapper = props.inline === false ? 'span' : 'figure';
  return (
    <Wrapper className={props.inline === false ? 'option-enlarge' : 'item-image'} data-testid="item-image">
      {props.inline !== false && <img src={src} alt={props.image.alt} />}
      {props.inline === false ? button : <figcaption>{button}</figcaption>}
      {open && (
        <Dialog title={`The ${props.label}, enlarged`} onClose={() => setOpen(false)} initialFocus={closeRef} className="image-dialog">
          <img className="enlarged-image" src={src} alt={props.image.alt} />
          <div className="dialog-actions">
            <button type="button" ref={closeRef} onClick={() => setOpen(false)}>
              Close
            </button>
          </div>
        </Dialog>
      )}
    </Wrapper>
  );
}

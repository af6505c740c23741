/**
 * A modal dialog: role dialog or alertdialog, labelled by its heading, rendered at the end of <body>, focus moved in
 * on open, kept in while open, and given back to where it was on close. Everything else on the page is inert while
 * it is open (so neither a pointer nor the keyboard reaches the exam behind it).
 */
import { useEffect, useId, useRef, useState, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';

export function Dialog(props: {
  title: string;
  children: ReactNode;
  role?: 'dialog' | 'alertdialog';
  /** Escape closes it when given. */
  onClose?: () => void;
  /** The element to focus first (defaults to the dialog itself). */
  initialFocus?: RefObject<HTMLElement | null>;
  className?: string;
}) {
  const [host] = useState(() => {
    const el = document.createElement('div');
    el.className = 'dialog-host';
    return el;
  });
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const bodyId = useId();
  const { onClose, initialFocus } = props;

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    document.body.appendChild(host);
    const madeInert: Element[] = [];
    for (const el of document.body.children) {
      if (el !== host && !el.hasAttribute('inert') && el.tagName !== 'SCRIPT') {
        el.setAttribute('inert', '');
        madeInert.push(el);
      }
    }
    (initialFocus?.current ?? ref.current)?.focus();
    return () => {
      for (const el of madeInert) el.removeAttribute('inert');
      host.remove();
      if (previous && document.contains(previous) && !previous.closest('[inert]')) previous.focus();
    };
  }, [host, initialFocus]);

  function onKeyDown(e: React.KeyboardEvent) {
    e.stopPropagation(); // exam shortcuts do not act behind a dialog
    if (e.key === 'Escape' && onClose) {
      onClose();
      return;
    }
    if (e.key !== 'Tab' || !ref.current) return;
    const focusable = [...ref.current.querySelectorAll<HTMLElement>('button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])')];
    if (focusable.length === 0) {
      e.preventDefault();
      return;
    }
    const first = focusable[0]!;
    const last = focusable[focusable.length - 1]!;
    if (e.shiftKey && (document.activeElement === first || document.activeElement === ref.current)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  }

  return createPortal(
    <div className="backdrop">
      <div ref={ref} className={`dialog ${props.className ?? ''}`} role={props.role ?? 'dialog'} aria-modal="true" aria-labelledby={titleId} aria-describedby={bodyId} tabIndex={-1} onKeyDown={onKeyDown}>
        <h2 id={titleId}>{props.title}</h2>
        <div id={bodyId}>{props.children}</div>
      </div>
    </div>,
    host,
  );
}

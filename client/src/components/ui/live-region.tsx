/** A polite live region that announces each new message once (re-announcing the same text when its id changes). */
import { useEffect, useState } from 'react';

export function LiveRegion({ message }: { message: { id: number; text: string } | null }) {
  const [text, setText] = useState('');
  useEffect(() => {
    if (!message) return;
    // Clearing first makes screen readers announce a repeated sentence again.
    setText('');
    const t = setTimeout(() => setText(message.text), 50);
    return () => clearTimeout(t);
  }, [message]);
  return (
    <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="live-region">
      {text}
    </div>
  );
}

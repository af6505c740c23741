/** The exam's keyboard shortcuts, one table for the handler and for the help shown to candidates. */

export const SHORTCUTS: { keys: string; action: string }[] = [
  { keys: '1–5 or A–E', action: 'Choose an option' },
  { keys: 'N', action: 'Next question' },
  { keys: 'P', action: 'Previous question' },
  { keys: 'F', action: 'Flag or unflag for review' },
  { keys: 'Shift+A–E', action: 'Strike out an option, or bring it back' },
  { keys: 'H', action: 'Highlight the selected words of the question' },
  { keys: 'R', action: 'Review your answers' },
  { keys: 'Tab / Shift+Tab', action: 'Move between buttons and options' },
  { keys: 'Arrow keys', action: 'Move between the options of a question' },
];

export type ShortcutAction = { type: 'option'; index: number } | { type: 'strike'; index: number } | { type: 'highlight' } | { type: 'next' } | { type: 'prev' } | { type: 'flag' } | { type: 'review' };

const TEXT_INPUT_TYPES = new Set(['text', 'password', 'email', 'number', 'search', 'tel', 'url', 'date', 'time', 'datetime-local', 'month', 'week']);

/** True when the key belongs to what has focus (typing in a field), so the exam must not take it. */
export function isTypingTarget(el: Element | null): boolean {
  if (!el) return false;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return TEXT_INPUT_TYPES.has(((el as HTMLInputElement).type || 'text').toLowerCase());
  return (el as HTMLElement).isContentEditable === true;
}

export function shortcutFor(e: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey?: boolean; target: EventTarget | null }): ShortcutAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (isTypingTarget(e.target as Element | null)) return null;
  const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (e.shiftKey && k >= 'a' && k <= 'e') return { type: 'strike', index: k.charCodeAt(0) - 97 };
  if (k === 'h') return { type: 'highlight' };
  if (k >= '1' && k <= '5') return { type: 'option', index: Number(k) - 1 };
  if (k >= 'a' && k <= 'e') return { type: 'option', index: k.charCodeAt(0) - 97 };
  if (k === 'n') return { type: 'next' };
  if (k === 'p') return { type: 'prev' };
  if (k === 'f') return { type: 'flag' };
  if (k === 'r') return { type: 'review' };
  return null;
}

/**
 * Moves focus to `ref` after the render that changed `token` (a new object or number each time focus should move;
 * null/undefined/0 = do not move). Focusing in an effect, not in requestAnimationFrame, waits for the element to exist.
 */
import { useEffect, type RefObject } from 'react';

export function useFocusOn(ref: RefObject<HTMLElement | null>, token: unknown): void {
  useEffect(() => {
    if (token) ref.current?.focus();
  }, [ref, token]);
}

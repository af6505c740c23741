/** Display preferences kept in the browser: the high-contrast theme. */
import { useCallback, useSyncExternalStore } from 'react';

const KEY = 'cpt-exam:theme';
const EVENT = 'cpt-exam:theme';
export type Theme = 'standard' | 'high-contrast';

export function readTheme(): Theme {
  try {
    return localStorage.getItem(KEY) === 'high-contrast' ? 'high-contrast' : 'standard';
  } catch {
    return 'standard';
  }
}

export function applyTheme(theme: Theme = readTheme()): void {
  document.documentElement.dataset.theme = theme;
}

export function useTheme(): [Theme, (t: Theme) => void] {
  const theme = useSyncExternalStore(
    (cb) => {
      window.addEventListener(EVENT, cb);
      return () => window.removeEventListener(EVENT, cb);
    },
    () => document.documentElement.dataset.theme === 'high-contrast' ? 'high-contrast' : 'standard',
  ) as Theme;
  const set = useCallback((t: Theme) => {
    try {
      localStorage.setItem(KEY, t);
    } catch {
      /* still applied for this page */
    }
    applyTheme(t);
    window.dispatchEvent(new Event(EVENT));
  }, []);
  return [theme, set];
}

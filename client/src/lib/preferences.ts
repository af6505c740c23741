/** Display preferences kept in the browser: the high-contrast theme, and the exam's text size and line spacing. */
import { useCallback, useState, useSyncExternalStore } from 'react';

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

/** Reading preferences for the exam (#17.3): text size in steps and wider line spacing, kept in the browser. */
export const TEXT_SIZES = [100, 125, 150, 175, 200] as const;
export interface Reading {
  /** Index into TEXT_SIZES. */
  size: number;
  wideSpacing: boolean;
}
const READING_KEY = 'cpt-exam:reading';

export function readReading(): Reading {
  try {
    const v = JSON.parse(localStorage.getItem(READING_KEY) ?? '{}') as Partial<Reading>;
    const size = typeof v.size === 'number' && v.size >= 0 && v.size < TEXT_SIZES.length ? Math.floor(v.size) : 0;
    return { size, wideSpacing: v.wideSpacing === true };
  } catch {
    return { size: 0, wideSpacing: false };
  }
}

export function useReading(): [Reading, (r: Reading) => void] {
  const [reading, setReading] = useState(readReading);
  const set = useCallback((r: Reading) => {
    setReading(r);
    try {
      localStorage.setItem(READING_KEY, JSON.stringify(r));
    } catch {
      /* still applied for this page */
    }
  }, []);
  return [reading, set];
}

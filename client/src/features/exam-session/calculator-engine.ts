/**
 * The on-screen calculator's arithmetic (#17.3): a pocket four-function calculator with memory, and the scientific
 * keys a blueprint may allow. Pure: a state and a key in, the next state out (tested in node). Left-to-right
 * evaluation like a pocket calculator ("2 + 3 × 4 =" is 20), results rounded to 12 significant digits so 0.1 + 0.2
 * shows 0.3.
 */

export const CALCULATOR_MODES = ['none', 'basic', 'scientific'] as const;
export type CalculatorMode = (typeof CALCULATOR_MODES)[number];

export type Operator = '+' | '−' | '×' | '÷' | '^';
export type CalcKey =
  | { k: 'digit'; d: string }
  | { k: 'point' }
  | { k: 'op'; op: Operator }
  | { k: 'equals' }
  | { k: 'clear' }
  | { k: 'clear-entry' }
  | { k: 'backspace' }
  | { k: 'negate' }
  | { k: 'percent' }
  | { k: 'mc' }
  | { k: 'mr' }
  | { k: 'm+' }
  | { k: 'm-' }
  | { k: 'fn'; fn: 'sqrt' | 'square' | 'inverse' | 'sin' | 'cos' | 'tan' | 'log' | 'ln' | 'pi' };

export interface CalcState {
  display: string;
  acc: number | null;
  op: Operator | null;
  /** The next digit starts a new number. */
  fresh: boolean;
  memory: number;
  error: boolean;
}

export const initialCalc = (): CalcState => ({ display: '0', acc: null, op: null, fresh: true, memory: 0, error: false });

const MAX_DIGITS = 15;

export function format(n: number): string {
  if (!Number.isFinite(n)) return 'Error';
  const r = Number(n.toPrecision(12));
  if (Object.is(r, -0)) return '0';
  const s = String(r);
  return s.length > 16 ? r.toExponential(8).replace(/\.?0+e/, 'e') : s;
}

function apply(a: number, op: Operator, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '−':
      return a - b;
    case '×':
      return a * b;
    case '÷':
      return b === 0 ? NaN : a / b;
    case '^':
      return a ** b;
  }
}

const rad = (deg: number) => (deg * Math.PI) / 180;
function fn(name: Extract<CalcKey, { k: 'fn' }>['fn'], x: number): number {
  switch (name) {
    case 'sqrt':
      return x < 0 ? NaN : Math.sqrt(x);
    case 'square':
      return x * x;
    case 'inverse':
      return x === 0 ? NaN : 1 / x;
    case 'sin':
      return Math.sin(rad(x));
    case 'cos':
      return Math.cos(rad(x));
    case 'tan':
      return Math.abs(((x % 180) + 180) % 180) === 90 ? NaN : Math.tan(rad(x));
    case 'log':
      return x <= 0 ? NaN : Math.log10(x);
    case 'ln':
      return x <= 0 ? NaN : Math.log(x);
    case 'pi':
      return Math.PI;
  }
}

const value = (s: CalcState) => Number(s.display);
function result(s: CalcState, n: number, extra: Partial<CalcState> = {}): CalcState {
  const display = format(n);
  return display === 'Error' ? { ...s, display, acc: null, op: null, fresh: true, error: true } : { ...s, display, fresh: true, error: false, ...extra };
}

export function press(s: CalcState, key: CalcKey): CalcState {
  if (s.error && key.k !== 'clear' && key.k !== 'clear-entry' && key.k !== 'digit' && key.k !== 'mc' && key.k !== 'mr') return s;
  switch (key.k) {
    case 'digit': {
      if (s.fresh || s.error) return { ...s, display: key.d, fresh: false, error: false };
      if (s.display.replace(/[-.]/g, '').length >= MAX_DIGITS) return s;
      return { ...s, display: s.display === '0' ? key.d : s.display + key.d };
    }
    case 'point':
      if (s.fresh) return { ...s, display: '0.', fresh: false };
      return s.display.includes('.') ? s : { ...s, display: s.display + '.' };
    case 'op': {
      if (s.op && s.acc !== null && !s.fresh) return result(s, apply(s.acc, s.op, value(s)), { acc: apply(s.acc, s.op, value(s)), op: key.op });
      return { ...s, acc: value(s), op: key.op, fresh: true };
    }
    case 'equals':
      if (!s.op || s.acc === null) return { ...s, fresh: true };
      return result(s, apply(s.acc, s.op, value(s)), { acc: null, op: null });
    case 'clear':
      return { ...initialCalc(), memory: s.memory };
    case 'clear-entry':
      return { ...s, display: '0', fresh: true, error: false };
    case 'backspace':
      if (s.fresh) return s;
      return { ...s, display: s.display.length > 1 && !(s.display.length === 2 && s.display.startsWith('-')) ? s.display.slice(0, -1) : '0' };
    case 'negate':
      if (s.display === '0') return s;
      return { ...s, display: s.display.startsWith('-') ? s.display.slice(1) : '-' + s.display };
    case 'percent':
      // "200 + 10 %" is 200 + 20; alone, 10 % is 0.1.
      return result(s, s.acc !== null && (s.op === '+' || s.op === '−') ? (s.acc * value(s)) / 100 : value(s) / 100, { acc: s.acc, op: s.op });
    case 'mc':
      return { ...s, memory: 0 };
    case 'mr':
      return { ...s, display: format(s.memory), fresh: true, error: false };
    case 'm+':
      return { ...s, memory: Number(format(s.memory + value(s))), fresh: true };
    case 'm-':
      return { ...s, memory: Number(format(s.memory - value(s))), fresh: true };
    case 'fn':
      return result(s, fn(key.fn, value(s)), { acc: s.acc, op: s.op });
  }
}

/** The physical keyboard's keys while the calculator has focus. */
export function keyFor(e: { key: string }): CalcKey | null {
  const k = e.key;
  if (/^[0-9]$/.test(k)) return { k: 'digit', d: k };
  if (k === '.' || k === ',') return { k: 'point' };
  if (k === '+') return { k: 'op', op: '+' };
  if (k === '-') return { k: 'op', op: '−' };
  if (k === '*' || k === 'x') return { k: 'op', op: '×' };
  if (k === '/') return { k: 'op', op: '÷' };
  if (k === '=' || k === 'Enter') return { k: 'equals' };
  if (k === 'Backspace') return { k: 'backspace' };
  if (k === 'Delete') return { k: 'clear-entry' };
  if (k === '%') return { k: 'percent' };
  return null;
}

/**
 * The on-screen calculator (#17.3), loaded only when a candidate opens it. A labelled, non-modal region beside the
 * question: every key is a button, the physical keyboard works while it has focus (digits, + − * /, Enter or =,
 * Backspace, Delete, %), Escape closes it, and the result is read out through a live region. While it has focus the
 * exam's own shortcuts (1–5, N, P, F, R) do not act.
 */
import { useEffect, useRef, useState } from 'react';
import { initialCalc, keyFor, press, type CalcKey, type CalculatorMode } from './calculator-engine.ts';

interface Key {
  label: string;
  name: string;
  key: CalcKey;
  wide?: boolean;
}

const BASIC: Key[] = [
  { label: 'MC', name: 'Memory clear', key: { k: 'mc' } },
  { label: 'MR', name: 'Memory recall', key: { k: 'mr' } },
  { label: 'M+', name: 'Memory add', key: { k: 'm+' } },
  { label: 'M−', name: 'Memory subtract', key: { k: 'm-' } },
  { label: 'C', name: 'Clear', key: { k: 'clear' } },
  { label: 'CE', name: 'Clear entry', key: { k: 'clear-entry' } },
  { label: '⌫', name: 'Backspace', key: { k: 'backspace' } },
  { label: '÷', name: 'Divide', key: { k: 'op', op: '÷' } },
  ...['7', '8', '9'].map((d) => ({ label: d, name: d, key: { k: 'digit', d } as CalcKey })),
  { label: '×', name: 'Multiply', key: { k: 'op', op: '×' } },
  ...['4', '5', '6'].map((d) => ({ label: d, name: d, key: { k: 'digit', d } as CalcKey })),
  { label: '−', name: 'Minus', key: { k: 'op', op: '−' } },
  ...['1', '2', '3'].map((d) => ({ label: d, name: d, key: { k: 'digit', d } as CalcKey })),
  { label: '+', name: 'Plus', key: { k: 'op', op: '+' } },
  { label: '±', name: 'Change sign', key: { k: 'negate' } },
  { label: '0', name: '0', key: { k: 'digit', d: '0' } },
  { label: '.', name: 'Decimal point', key: { k: 'point' } },
  { label: '=', name: 'Equals', key: { k: 'equals' } },
  { label: '%', name: 'Percent', key: { k: 'percent' }, wide: true },
];

const SCIENTIFIC: Key[] = [
  { label: '√', name: 'Square root', key: { k: 'fn', fn: 'sqrt' } },
  { label: 'x²', name: 'Square', key: { k: 'fn', fn: 'square' } },
  { label: 'xʸ', name: 'Power', key: { k: 'op', op: '^' } },
  { label: '1/x', name: 'Reciprocal', key: { k: 'fn', fn: 'inverse' } },
  { label: 'sin', name: 'Sine (degrees)', key: { k: 'fn', fn: 'sin' } },
  { label: 'cos', name: 'Cosine (degrees)', key: { k: 'fn', fn: 'cos' } },
  { label: 'tan', name: 'Tangent (degrees)', key: { k: 'fn', fn: 'tan' } },
  { label: 'π', name: 'Pi', key: { k: 'fn', fn: 'pi' } },
  { label: 'log', name: 'Logarithm base 10', key: { k: 'fn', fn: 'log' } },
  { label: 'ln', name: 'Natural logarithm', key: { k: 'fn', fn: 'ln' } },
];

export default function Calculator({ mode, onClose }: { mode: Exclude<CalculatorMode, 'none'>; onClose: () => void }) {
  const [s, setS] = useState(initialCalc);
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  const keys = mode === 'scientific' ? [...SCIENTIFIC, ...BASIC] : BASIC;

  function onKeyDown(e: React.KeyboardEvent) {
    e.stopPropagation(); // the exam's shortcuts do not act while the calculator has focus
    if (e.key === 'Escape') {
      onClose();
      return;
    }
    // Enter and Space on a focused button press that button.
    if ((e.key === 'Enter' || e.key === ' ') && (e.target as HTMLElement).tagName === 'BUTTON') return;
    const key = keyFor(e);
    if (!key) return;
    e.preventDefault();
    setS((v) => press(v, key));
  }

  const title = mode === 'scientific' ? 'Scientific calculator' : 'Calculator';
  return (
    <section ref={ref} className="calculator" role="region" aria-label={title} tabIndex={-1} onKeyDown={onKeyDown} data-testid="calculator">
      <div className="calculator-head">
        <h2 className="calculator-title">{title}</h2>
        <button type="button" className="link" onClick={onClose}>
          Close calculator
        </button>
      </div>
      <output className="calculator-display" aria-live="polite" aria-atomic="true" data-testid="calculator-display">
        {s.display}
      </output>
      <p className="calculator-memory muted" aria-live="polite">
        {s.memory !== 0 ? `Memory: ${s.memory}` : 'Memory empty'}
      </p>
      <div className={`calculator-keys${mode === 'scientific' ? ' scientific' : ''}`}>
        {keys.map((k) => (
          <button key={k.name} type="button" className={`secondary calc-key${k.wide ? ' wide' : ''}`} aria-label={k.name === k.label ? undefined : k.name} onClick={() => setS((v) => press(v, k.key))}>
            {k.label}
          </button>
        ))}
      </div>
    </section>
  );
}

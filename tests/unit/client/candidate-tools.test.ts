/** #17.3: the calculator's arithmetic and memory, and the candidate's strike-outs and highlights (pure, in node). */
import { describe, expect, it } from 'vitest';
import { format, initialCalc, keyFor, press, type CalcKey, type CalcState } from '../../../client/src/features/exam-session/calculator-engine.ts';
import { addHighlight, clearHighlights, emptyMarks, loadMarks, marksKey, saveMarks, segments, toggleStrike } from '../../../client/src/features/exam-session/candidate-tools.ts';
import { memoryStore } from '../../../client/src/lib/outbox.ts';

/** Types keys like a candidate: "12+3=" and named keys in braces, e.g. "{m+}". */
function run(input: string, from: CalcState = initialCalc()): CalcState {
  let s = from;
  for (const token of input.match(/\{[^}]+\}|./g) ?? []) {
    const named: Record<string, CalcKey> = {
      '{m+}': { k: 'm+' },
      '{m-}': { k: 'm-' },
      '{mr}': { k: 'mr' },
      '{mc}': { k: 'mc' },
      '{c}': { k: 'clear' },
      '{ce}': { k: 'clear-entry' },
      '{neg}': { k: 'negate' },
      '{sqrt}': { k: 'fn', fn: 'sqrt' },
      '{sq}': { k: 'fn', fn: 'square' },
      '{sin}': { k: 'fn', fn: 'sin' },
      '{log}': { k: 'fn', fn: 'log' },
      '{pow}': { k: 'op', op: '^' },
      '{bs}': { k: 'backspace' },
    };
    const key = named[token] ?? keyFor({ key: token });
    if (!key) throw new Error(`no key for ${token}`);
    s = press(s, key);
  }
  return s;
}

describe('the calculator', () => {
  it('does four-function arithmetic left to right, with decimals rounded for display', () => {
    expect(run('12+30=').display).toBe('42');
    expect(run('2+3*4=').display).toBe('20');
    expect(run('0.1+0.2=').display).toBe('0.3');
    expect(run('7/2=').display).toBe('3.5');
    expect(run('5-8=').display).toBe('-3');
    expect(run('123{bs}=').display).toBe('12');
    expect(run('9{neg}*2=').display).toBe('-18');
  });

  it('shows Error on division by zero and recovers with a digit or clear', () => {
    const e = run('5/0=');
    expect(e.display).toBe('Error');
    expect(e.error).toBe(true);
    expect(run('+', e).display).toBe('Error'); // an operator does nothing on an error
    expect(run('4+1=', e).display).toBe('5');
  });

  it('keeps a memory: M+, M−, MR, MC, and clear keeps the memory', () => {
    let s = run('10{m+}');
    s = run('4{m-}', s);
    expect(s.memory).toBe(6);
    s = run('{c}{mr}*2=', s);
    expect(s.display).toBe('12');
    expect(run('{mc}', s).memory).toBe(0);
  });

  it('percent: 200 + 10 % is 220; alone 50 % is 0.5', () => {
    expect(run('200+10%=').display).toBe('220');
    expect(run('50%').display).toBe('0.5');
  });

  it('scientific keys: roots, squares, powers, sine in degrees, log', () => {
    expect(run('81{sqrt}').display).toBe('9');
    expect(run('12{sq}').display).toBe('144');
    expect(run('2{pow}10=').display).toBe('1024');
    expect(run('30{sin}').display).toBe('0.5');
    expect(run('1000{log}').display).toBe('3');
    expect(run('4{neg}{sqrt}').display).toBe('Error');
  });

  it('formats very large numbers in exponent form', () => {
    expect(format(1e20)).toBe('1e+20');
    expect(format(-0)).toBe('0');
  });
});

describe("the candidate's marks", () => {
  it('strikes an option out and brings it back', () => {
    let m = toggleStrike(emptyMarks(), 'I1', 'B');
    m = toggleStrike(m, 'I1', 'D');
    expect(m.struck).toEqual({ I1: ['B', 'D'] });
    m = toggleStrike(m, 'I1', 'B');
    m = toggleStrike(m, 'I1', 'D');
    expect(m.struck).toEqual({});
  });

  it('merges overlapping highlights and cuts the stem into pieces', () => {
    const stem = 'Which guard protects the operator at the point of operation?';
    let m = addHighlight(emptyMarks(), 'I1', [6, 11], stem.length);
    m = addHighlight(m, 'I1', [9, 20], stem.length);
    m = addHighlight(m, 'I1', [40, 30], stem.length); // reversed: normalised
    m = addHighlight(m, 'I1', [5, 5], stem.length); // empty: ignored
    expect(m.highlights.I1).toEqual([
      [6, 20],
      [30, 40],
    ]);
    const parts = segments(stem, m.highlights.I1);
    expect(parts.map((p) => p.text).join('')).toBe(stem);
    expect(parts.filter((p) => p.marked).map((p) => p.text)).toEqual([stem.slice(6, 20), stem.slice(30, 40)]);
    expect(clearHighlights(m, 'I1').highlights).toEqual({});
  });

  it('survives a reload through the store, and a damaged entry reads as empty', () => {
    const store = memoryStore();
    const m = addHighlight(toggleStrike(emptyMarks(), 'I2', 'A'), 'I2', [0, 4], 10);
    saveMarks(store, 'S1', m);
    expect(loadMarks(store, 'S1')).toEqual(m);
    store.setItem(marksKey('S2'), '{not json');
    expect(loadMarks(store, 'S2')).toEqual(emptyMarks());
  });
});

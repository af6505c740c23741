/** Every question as a button: answered or not, flagged, and which is current. Only changed buttons re-render. */
import { memo } from 'react';
import type { CandidateItem } from '../../../../shared/protocol/session-protocol.ts';

export function paletteLabel(n: number, answered: boolean, flagged: boolean): string {
  return `Question ${n}, ${answered ? 'answered' : 'unanswered'}${flagged ? ', flagged' : ''}`;
}

const PaletteButton = memo(function PaletteButton(p: { index: number; answered: boolean; flagged: boolean; current: boolean; onGo: (i: number) => void }) {
  const n = p.index + 1;
  return (
    <li>
      <button
        type="button"
        className={`palette-btn${p.answered ? ' answered' : ''}${p.flagged ? ' flagged' : ''}${p.current ? ' current' : ''}`}
        aria-label={paletteLabel(n, p.answered, p.flagged)}
        aria-current={p.current ? 'step' : undefined}
        onClick={() => p.onGo(p.index)}
      >
        {n}
        {p.flagged && <span aria-hidden="true" className="flag-mark">⚑</span>}
      </button>
    </li>
  );
});

export function QuestionPalette(props: { items: CandidateItem[]; answers: Record<string, string>; flags: Record<string, true>; current: number; onGo: (i: number) => void }) {
  const answered = props.items.filter((it) => props.answers[it.itemId]).length;
  return (
    <nav className="palette" aria-labelledby="palette-title">
      <h2 id="palette-title" className="palette-title">
        Questions <span className="muted">({answered} of {props.items.length} answered)</span>
      </h2>
      <ul className="palette-grid">
        {props.items.map((it, i) => (
          <PaletteButton key={it.itemId} index={i} answered={!!props.answers[it.itemId]} flagged={!!props.flags[it.itemId]} current={i === props.current} onGo={props.onGo} />
        ))}
      </ul>
      <p className="legend muted" aria-hidden="true">
        <span className="palette-btn answered sample">1</span> answered <span className="palette-btn sample">2</span> unanswered <span className="palette-btn flagged sample">3⚑</span> flagged{' '}
        <span className="palette-btn current sample">4</span> current
      </p>
    </nav>
  );
}

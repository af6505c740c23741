/**
 * Coverage: for each module's current blueprint, per KWA the scored items a form needs against the operational items
 * the bank holds (and pretest and retired ones), the forms with no item in common the bank could fill, and a level:
 * short (< 1.0× need: a form cannot be built), thin (< 1.6× need: retake forms, which share at most half their items
 * with earlier ones, and exposure control run out of room), or enough. Levels are words and icons, not colour alone.
 */
import type { CoverageState } from './api.ts';
import { COVERAGE_THIN, coverageLevel, coverageRatio, fmt, type CoverageLevel } from './author-helpers.ts';
import { TableWrap } from './table-wrap.tsx';

const LEVEL_TEXT: Record<CoverageLevel, string> = { short: 'Short', thin: 'Thin', ok: 'Enough' };
const LEVEL_ICON: Record<CoverageLevel, string> = { short: '✖', thin: '▲', ok: '✓' };

export function CoverageTab({ coverage }: { coverage: CoverageState }) {
  return (
    <div className="stack">
      <h2>Coverage</h2>
      <p>
        Operational items per KWA against what one form needs. <Level level="short" /> below 1.0× need: no form can be built. <Level level="thin" /> below {COVERAGE_THIN}× need: little room for retake forms and
        exposure control. Disjoint forms: how many forms with no item in common the bank could fill (enemy groups are not counted here).
      </p>
      {coverage.error && (
        <p className="banner error" role="alert">
          {coverage.error}
        </p>
      )}
      {!coverage.data && !coverage.error && (
        <p className="loading" role="status">
          <span className="spinner" aria-hidden="true" /> Loading coverage…
        </p>
      )}
      {coverage.data?.length === 0 && <p className="banner info">The bank holds no blueprint yet. Import a bank file with a blueprint to see its coverage.</p>}
      {coverage.data?.map((bp) => {
        const scored = bp.kwas.reduce((s, k) => s + k.needed, 0);
        const worst = bp.kwas.map((k) => coverageLevel(k.operational, k.needed));
        const pretestLevel = coverageLevel(bp.pretestAvailable, bp.pretestNeeded);
        const titleId = `coverage-${bp.module}`;
        return (
          <section key={`${bp.module}@${bp.blueprintVersion}`} className="stack author-coverage" aria-labelledby={titleId}>
            <h3 id={titleId}>
              {bp.module} <span className="muted">· blueprint {bp.blueprintVersion}</span>
            </h3>
            <dl className="author-counts">
              <div>
                <dt>Form length</dt>
                <dd>
                  {bp.formLength} <span className="muted">({scored} scored + {bp.pretestNeeded} pretest)</span>
                </dd>
              </div>
              <div className={bp.disjointForms < 1 ? 'short' : ''}>
                <dt>Disjoint forms</dt>
                <dd>{bp.disjointForms}</dd>
              </div>
              <div className={pretestLevel === 'ok' ? '' : pretestLevel}>
                <dt>Pretest items</dt>
                <dd>
                  {bp.pretestAvailable} <span className="muted">for {bp.pretestNeeded} per form</span>
                </dd>
              </div>
              <div className={worst.includes('short') ? 'short' : worst.includes('thin') ? 'thin' : ''}>
                <dt>KWAs short / thin</dt>
                <dd>
                  {worst.filter((l) => l === 'short').length} / {worst.filter((l) => l === 'thin').length}
                </dd>
              </div>
            </dl>
            <TableWrap label={`${bp.module} coverage per KWA`}>
              <table className="kwa-table author-table author-coverage-table">
                <caption className="visually-hidden">
                  {bp.module} coverage per KWA against blueprint {bp.blueprintVersion}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">KWA</th>
                    <th scope="col" className="num">Needed</th>
                    <th scope="col" className="num">Operational</th>
                    <th scope="col" className="num">× need</th>
                    <th scope="col">Level</th>
                    <th scope="col" className="num">Pretest</th>
                    <th scope="col" className="num">Retired</th>
                    <th scope="col" className="num">Disjoint forms</th>
                  </tr>
                </thead>
                <tbody>
                  {bp.kwas.map((k) => {
                    const level = coverageLevel(k.operational, k.needed);
                    const ratio = coverageRatio(k.operational, k.needed);
                    return (
                      <tr key={k.kwa} className={`level-${level}`}>
                        <th scope="row">
                          <span className="author-mono">{k.kwa}</span> <span className="author-kwa-title">{k.title}</span>
                        </th>
                        <td className="num">{k.needed}</td>
                        <td className="num">
                          <span className="author-num-bar">
                            {k.operational}
                            <Bar value={k.operational} needed={k.needed} level={level} />
                          </span>
                        </td>
                        <td className="num">{ratio === null ? '—' : `${fmt(ratio, 1)}×`}</td>
                        <td>
                          <Level level={level} />
                        </td>
                        <td className="num">{k.pretest}</td>
                        <td className="num">{k.retired}</td>
                        <td className="num">{k.disjointForms}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableWrap>
          </section>
        );
      })}
    </div>
  );
}

function Level({ level }: { level: CoverageLevel }) {
  return (
    <span className={`author-level level-${level}`}>
      <span aria-hidden="true">{LEVEL_ICON[level]} </span>
      {LEVEL_TEXT[level]}
    </span>
  );
}

/** Operational items against need, on a scale to 2× need, with marks at 1.0× and 1.6×. Decorative: the numbers are in the table. */
function Bar({ value, needed, level }: { value: number; needed: number; level: CoverageLevel }) {
  if (needed <= 0) return null;
  const max = needed * 2;
  const w = 80;
  const x = (v: number) => Math.min(w, (v / max) * w);
  return (
    <svg className="author-bar" width={w} height="10" viewBox={`0 0 ${w} 10`} aria-hidden="true" focusable="false">
      <rect x="0" y="2" width={w} height="6" className="bar-track" />
      <rect x="0" y="2" width={x(value)} height="6" className={`bar-fill level-${level}`} />
      <line x1={x(needed)} x2={x(needed)} y1="0" y2="10" className="bar-mark" />
      <line x1={x(needed * COVERAGE_THIN)} x2={x(needed * COVERAGE_THIN)} y1="0" y2="10" className="bar-mark thin" />
    </svg>
  );
}

/**
 * Measurement (docs/measurement.md) at /author/measurement, for authors and admins: Rasch calibration runs of a module
 * with their difficulties, fit and drift beside the classical p; adoption into the bank (admins); the module's scale
 * from a standard-setting study, recorded by one person and approved by another (admins); decision quality at the cut
 * (admins). Every error is shown where the action was taken.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { TableHead } from '../../components/ui/table-head.tsx';
import { adoptRun, approveScale, calibrate, decisionQualityCsvHref, getDecisionQuality, getRun, listRuns, listScales, MODULES, recordScale, type CalibrationRun, type CalibrationSummary, type DecisionQuality, type ModuleCode, type Scale } from './api.ts';
import { useMe } from './use-me.ts';

const f = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? '—' : v.toFixed(digits));
const misfit = (v: number | null) => v !== null && (v > 1.3 || v < 0.7);

export default function MeasurementPage() {
  const me = useMe();
  const isAdmin = me?.role === 'admin';
  const [module, setModule] = useState<ModuleCode>('SAF');
  const [runs, setRuns] = useState<CalibrationSummary[]>([]);
  const [run, setRun] = useState<CalibrationRun | null>(null);
  const [scales, setScales] = useState<Scale[]>([]);
  const [dq, setDq] = useState<DecisionQuality | null>(null);
  const [status, setStatus] = useState<{ where: 'calibration' | 'scale' | 'quality'; text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(async () => {
    const [r, s] = await Promise.all([listRuns(module), listScales(module)]);
    setRuns(r.ok ? r.data : []);
    setScales(s.ok ? s.data : []);
    if (isAdmin) {
      const q = await getDecisionQuality(module);
      setDq(q.ok ? q.data : null);
    }
  }, [module, isAdmin]);

  useEffect(() => {
    setRun(null);
    setStatus(null);
    void refresh();
  }, [refresh]);

  async function runCalibration(kind: 'free' | 'anchored') {
    setBusy(true);
    const r = await calibrate(module, kind);
    setBusy(false);
    if (!r.ok) return setStatus({ where: 'calibration', text: r.error.message, error: true });
    setRun(r.data);
    setStatus({ where: 'calibration', text: `Calibrated ${r.data.sessions} sessions (${kind}).`, error: false });
    void refresh();
  }

  async function openRun(id: string) {
    const r = await getRun(id);
    if (r.ok) setRun(r.data);
    else setStatus({ where: 'calibration', text: r.error.message, error: true });
  }

  async function adopt() {
    if (!run) return;
    const r = await adoptRun(run.id);
    if (!r.ok) return setStatus({ where: 'calibration', text: r.error.message, error: true });
    setStatus({ where: 'calibration', text: `Adopted ${r.data.adopted.length} difficulties into the bank.`, error: false });
    void openRun(run.id);
    void refresh();
  }

  async function approve(version: number) {
    const r = await approveScale(module, version);
    if (!r.ok) return setStatus({ where: 'scale', text: r.error.message, error: true });
    setStatus({ where: 'scale', text: `Scale version ${version} approved; new sessions score on it.`, error: false });
    void refresh();
  }

  return (
    <section className="card measurement" aria-labelledby="measurement-title">
      <h1 id="measurement-title">Measurement</h1>
      <p className="muted">Rasch calibration, the module's ability scale and decision quality. See docs/measurement.md.</p>
      <label>
        Module{' '}
        <select value={module} onChange={(e) => setModule(e.target.value as ModuleCode)}>
          {MODULES.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
      </label>

      <h2>Calibration</h2>
      <p>
        <button type="button" disabled={busy} onClick={() => void runCalibration('free')}>
          Calibrate (free)
        </button>{' '}
        <button type="button" disabled={busy} onClick={() => void runCalibration('anchored')}>
          Calibrate anchored on the bank
        </button>
      </p>
      {status?.where === 'calibration' && <p role={status.error ? 'alert' : 'status'} className={status.error ? 'error' : undefined}>{status.text}</p>}
      {runs.length > 0 && (
        <ul aria-label="Calibration runs">
          {runs.map((r) => (
            <li key={r.id}>
              <button type="button" className="linklike" onClick={() => void openRun(r.id)}>
                {new Date(r.createdAt).toLocaleString()} · {r.kind} · {r.sessions} sessions{r.adoptedAt ? ' · adopted' : ''}
              </button>
            </li>
          ))}
        </ul>
      )}
      {run && <RunTable run={run} isAdmin={isAdmin} onAdopt={() => void adopt()} />}

      <h2>Scale and cut</h2>
      {status?.where === 'scale' && <p role={status.error ? 'alert' : 'status'} className={status.error ? 'error' : undefined}>{status.text}</p>}
      {scales.length === 0 ? (
        <p>No standard-setting study is recorded for {module}: it is scored by its percent cut.</p>
      ) : (
        <table>
          <caption>Scales of {module}</caption>
          <TableHead columns={['Version', 'θ cut', 'Reporting scale', 'Study', 'State']} />
          <tbody>
            {scales.map((s) => (
              <tr key={s.version}>
                <td>{s.version}</td>
                <td>{f(s.thetaCut, 2)}</td>
                <td>
                  {s.scale.min}–{s.scale.max}, cut {s.scale.cut}, {s.scale.perLogit} per logit
                </td>
                <td>
                  {s.study.method}, {s.study.date}, panel of {s.study.panelSize}
                </td>
                <td>
                  {s.active ? 'active' : s.approvedAt ? 'approved (superseded)' : 'awaiting approval'}{' '}
                  {!s.approvedAt && isAdmin && (
                    <button type="button" onClick={() => void approve(s.version)}>
                      Approve version {s.version}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ScaleForm module={module} onRecorded={(s) => (setStatus({ where: 'scale', text: `Recorded scale version ${s.version}; an admin other than you approves it.`, error: false }), void refresh())} onError={(text) => setStatus({ where: 'scale', text, error: true })} />

      {isAdmin && (
        <>
          <h2>Decision quality</h2>
          {dq && <QualityTable dq={dq} />}
          <p>
            <a href={decisionQualityCsvHref(module)} download>
              Download decision quality (CSV)
            </a>
          </p>
        </>
      )}
    </section>
  );
}

function RunTable({ run, isAdmin, onAdopt }: { run: CalibrationRun; isAdmin: boolean; onAdopt: () => void }) {
  const drift = new Map((run.drift?.items ?? []).map((d) => [d.itemId, d]));
  return (
    <div className="table-wrap">
      <p>
        {run.kind === 'free' ? 'Free calibration (mean difficulty 0)' : 'Anchored on the bank'} · person separation reliability {f(run.personSeparationReliability)}
        {run.adoptedAt ? ` · adopted ${new Date(run.adoptedAt).toLocaleString()}` : ''}
      </p>
      {run.notes.map((n) => (
        <p key={n} className="muted">
          {n}
        </p>
      ))}
      {isAdmin && !run.adoptedAt && (
        <button type="button" onClick={onAdopt}>
          Adopt these difficulties into the bank
        </button>
      )}
      <table>
        <caption>Items of the run</caption>
        <TableHead columns={['Item', 'Role', 'Status', 'N', 'p', 'b', 'SE', 'Infit', 'Outfit', run.drift && 'Drift']} />
        <tbody>
          {run.items.map((i) => (
            <tr key={i.itemId}>
              <td>{i.itemId}</td>
              <td>{i.role}</td>
              <td>{i.status}</td>
              <td>{i.n}</td>
              <td>{i.n ? f(i.correct / i.n) : '—'}</td>
              <td>{f(i.difficulty)}</td>
              <td>{f(i.se)}</td>
              <td className={misfit(i.infit) ? 'flag' : undefined}>{f(i.infit, 2)}</td>
              <td className={misfit(i.outfit) ? 'flag' : undefined}>{f(i.outfit, 2)}</td>
              {run.drift && <td>{drift.get(i.itemId) ? `${f(drift.get(i.itemId)!.displacement, 2)}${drift.get(i.itemId)!.flagged ? ' (drifted)' : ''}` : ''}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ScaleForm({ module, onRecorded, onError }: { module: ModuleCode; onRecorded: (s: Scale) => void; onError: (text: string) => void }) {
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const d = new FormData(e.currentTarget);
    const n = (k: string) => Number(d.get(k));
    const r = await recordScale({
      module,
      thetaCut: n('thetaCut'),
      scale: { min: n('min'), max: n('max'), cut: n('cut'), perLogit: n('perLogit') },
      study: { method: String(d.get('method')), date: String(d.get('date')), panelSize: n('panelSize'), summary: String(d.get('summary')) },
    });
    if (!r.ok) return onError([r.error.message, ...(r.error.problems ?? []).map((p) => `${p.pointer}: ${p.message}`)].join(' — '));
    onRecorded(r.data);
  }
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="scale-form-title" className="scale-form">
      <h3 id="scale-form-title">Record a standard-setting study</h3>
      <label>
        Cut on the ability scale (logits) <input name="thetaCut" type="number" step="0.01" required defaultValue="0" />
      </label>
      <label>
        Scale minimum <input name="min" type="number" required defaultValue="100" />
      </label>
      <label>
        Scale maximum <input name="max" type="number" required defaultValue="900" />
      </label>
      <label>
        Scale cut <input name="cut" type="number" required defaultValue="700" />
      </label>
      <label>
        Points per logit <input name="perLogit" type="number" step="any" required defaultValue="100" />
      </label>
      <label>
        Method <input name="method" required placeholder="modified Angoff" />
      </label>
      <label>
        Date <input name="date" type="date" required />
      </label>
      <label>
        Panel size <input name="panelSize" type="number" min="1" required defaultValue="8" />
      </label>
      <label>
        Summary <textarea name="summary" required rows={2} />
      </label>
      <button type="submit">Record the study</button>
    </form>
  );
}

function QualityTable({ dq }: { dq: DecisionQuality }) {
  return (
    <>
      {dq.notes.map((n) => (
        <p key={n} className="muted">
          {n}
        </p>
      ))}
      <table>
        <caption>Decision quality at θ cut {f(dq.thetaCut, 2)}</caption>
        <TableHead columns={['Form', 'Candidates', 'Pass rate', 'Accuracy', 'Consistency', 'CSEM at cut']} />
        <tbody>
          {[dq.overall, ...dq.forms].map((r) => (
            <tr key={r.formId ?? 'all'}>
              <td>{r.formId ?? 'All forms'}</td>
              <td>{r.candidates}</td>
              <td>{f(r.passRate)}</td>
              <td>{f(r.accuracy)}</td>
              <td>{f(r.consistency)}</td>
              <td>{f(r.csemAtCut)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/**
 * Forms: build parallel fixed forms from a blueprint, publish them (an author's publish is a proposal an admin
 * approves under Proposals; published forms never change), and read each
 * form's certificate — every constraint with its required and achieved value, and on a calibrated bank the information
 * and expected raw cut at the ability cut — or download it as JSON.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { Wire } from '../../../../shared/api/common.ts';
import type { constraintCheckSchema, formBuildRequestSchema, formBuildResponseSchema, formCertificateSchema, formDetailSchema, formPublishResponseSchema, formSummarySchema } from '../../../../shared/api/forms.ts';
import { api } from '../../lib/api-client.ts';

type FormSummary = Wire<typeof formSummarySchema>;
type Check = Wire<typeof constraintCheckSchema>;
/** The stored certificate (a record on the wire: forms outlive code versions), read as the certificate it was written as. */
type FormDetail = Omit<Wire<typeof formDetailSchema>, 'certificate'> & { certificate: Pick<Wire<typeof formCertificateSchema>, 'notes' | 'allConstraintsMet' | 'algorithmVersion' | 'formLength' | 'scoredItems' | 'pretestItems' | 'measurement'> & { constraints: Check[]; softGoals: Check[] } };

const MODULES = ['SAF', 'QPM', 'MPP', 'MA', 'GRN'] as const;

export function FormsTab({ announce }: { announce: (text: string) => void }) {
  const [module, setModule] = useState<(typeof MODULES)[number]>('SAF');
  const [forms, setForms] = useState<FormSummary[] | null>(null);
  const [count, setCount] = useState(2);
  const [overlap, setOverlap] = useState(25);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [detail, setDetail] = useState<FormDetail | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    void api<FormSummary[]>('GET', `/api/forms?module=${module}&kind=fixed`).then((r) => (r.ok ? setForms(r.data) : setError(r.error.message)));
  }, [module, reload]);

  async function build(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await api<Wire<typeof formBuildResponseSchema>>('POST', '/api/forms/build', { module, count, maxOverlapPct: overlap, publish: false } satisfies Wire<typeof formBuildRequestSchema>);
    setBusy(false);
    if (!r.ok) return setError(r.error.message);
    announce(`Built ${r.data.formIds.length} draft ${module} forms.`);
    setReload((n) => n + 1);
  }

  async function publish(id: string) {
    const r = await api<Wire<typeof formPublishResponseSchema>>('POST', `/api/forms/${id}/publish`);
    if (!r.ok) return setError(r.error.message);
    announce(r.data.status === 'published' ? 'Form published. It can no longer change.' : 'Publication proposed. An admin approves it under Proposals.');
    setReload((n) => n + 1);
  }

  async function open(id: string) {
    const r = await api<FormDetail>('GET', `/api/forms/${id}`);
    if (r.ok) setDetail(r.data);
    else setError(r.error.message);
  }

  return (
    <div className="stack">
      <form className="card row-form" onSubmit={build} aria-labelledby="build-title">
        <h2 id="build-title">Build parallel fixed forms</h2>
        <label>
          Module
          <select value={module} onChange={(e) => setModule(e.target.value as (typeof MODULES)[number])}>
            {MODULES.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <label>
          Number of forms
          <input type="number" min={1} max={10} value={count} onChange={(e) => setCount(Number(e.target.value))} />
        </label>
        <label>
          Largest overlap between two forms (% of form length)
          <input type="number" min={0} max={100} value={overlap} onChange={(e) => setOverlap(Number(e.target.value))} />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? 'Building…' : 'Build drafts'}
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="card">
        <h2>Fixed forms for {module}</h2>
        {!forms ? (
          <p role="status">Loading…</p>
        ) : forms.length === 0 ? (
          <p>No fixed forms yet. Candidates get a fresh linear-on-the-fly form at admission until a fixed form is published.</p>
        ) : (
          <table>
            <caption className="sr-only">Fixed forms for {module}</caption>
            <thead>
              <tr>
                <th scope="col">Form</th>
                <th scope="col">Blueprint</th>
                <th scope="col">Bank revision</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {forms.map((f) => (
                <tr key={f.id}>
                  <td>{f.label ?? f.id.slice(0, 8)}</td>
                  <td>{f.blueprintVersion}</td>
                  <td>{f.bankRevision}</td>
                  <td>{f.status === 'published' ? `published ${f.publishedAt?.slice(0, 10)}` : f.status === 'proposed' ? 'proposed (awaiting an admin)' : 'draft'}</td>
                  <td>
                    <button type="button" className="secondary" onClick={() => void open(f.id)}>
                      Certificate of {f.label ?? 'form'}
                    </button>{' '}
                    {f.status === 'draft' && (
                      <button type="button" onClick={() => void publish(f.id)}>
                        Publish {f.label ?? 'form'}
                      </button>
                    )}{' '}
                    <a href={`/api/forms/${f.id}/certificate`}>Download certificate (JSON)</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {detail && (
        <div className="card" aria-labelledby="cert-title">
          <h2 id="cert-title">Certificate: {detail.label ?? detail.id}</h2>
          <p>
            {detail.certificate.formLength} items ({detail.certificate.scoredItems} scored, {detail.certificate.pretestItems} pretest); seed {detail.seed}; {detail.certificate.algorithmVersion}; bank revision {detail.bankRevision}.{' '}
            {detail.certificate.allConstraintsMet ? 'Every constraint is met.' : 'Some constraints are not met.'}
          </p>
          {detail.certificate.measurement && (
            <p>
              On the ability scale (cut θ = {detail.certificate.measurement.thetaCut.toFixed(2)}): information at the cut {detail.certificate.measurement.informationAtCut.toFixed(2)}
              {detail.certificate.measurement.targetInformation !== undefined && ` (target ${detail.certificate.measurement.targetInformation.toFixed(2)})`}, CSEM{' '}
              {detail.certificate.measurement.csemAtCut.toFixed(3)}; expected raw score at the cut {detail.certificate.measurement.expectedRawAtCut.toFixed(2)}, raw cut{' '}
              {detail.certificate.measurement.rawCut} of {detail.certificate.scoredItems}.
            </p>
          )}
          <table>
            <caption className="sr-only">Constraints</caption>
            <thead>
              <tr>
                <th scope="col">Constraint</th>
                <th scope="col">Required</th>
                <th scope="col">Achieved</th>
                <th scope="col">Met</th>
              </tr>
            </thead>
            <tbody>
              {[...detail.certificate.constraints, ...detail.certificate.softGoals].map((c) => (
                <tr key={c.id}>
                  <td>{c.description}</td>
                  <td>{c.required}</td>
                  <td>{c.achieved}</td>
                  <td>{c.met ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {detail.certificate.notes.length > 0 && (
            <ul>
              {detail.certificate.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

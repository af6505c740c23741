/**
 * The test center's seat camera (#17.11) under the console's heading: what it is set to, for everyone; a form to
 * change it, for admins (the server audits each change).
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import * as proctorApi from './api.ts';
import type { CameraSettings, ErrorBody, TestCenter } from './api.ts';
import { ApiErrorMessage } from './seat-dialogs.tsx';

export function CameraSetting({ center, role }: { center: TestCenter; role: 'admin' | 'proctor' }) {
  const [settings, setSettings] = useState<CameraSettings | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [draft, setDraft] = useState({ enabled: false, intervalSeconds: '60', retentionDays: '30' });
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const id = useId();

  useEffect(() => {
    let current = true;
    void proctorApi.cameraSettings(center.id).then((r) => {
      if (!current) return;
      if (!r.ok) return setError(r.error);
      setSettings(r.data);
      setDraft({ enabled: r.data.enabled, intervalSeconds: String(r.data.intervalSeconds), retentionDays: String(r.data.retentionDays) });
    });
    return () => {
      current = false;
    };
  }, [center.id]);

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setSaved(false);
    const r = await proctorApi.updateCameraSettings(center.id, { enabled: draft.enabled, intervalSeconds: Number(draft.intervalSeconds), retentionDays: Number(draft.retentionDays) });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setError(null);
    setSettings(r.data);
    setSaved(true);
  }

  const summary = !settings ? 'Seat camera: …' : settings.enabled ? `Seat camera on: a still every ${settings.intervalSeconds} s, kept ${settings.retentionDays} days` : 'Seat camera off';
  if (role !== 'admin')
    return (
      <p className="pc-small muted" data-testid="camera-setting">
        {summary}
      </p>
    );
  return (
    <details className="pc-camera-setting">
      <summary data-testid="camera-setting">{summary}</summary>
      <form onSubmit={save} className="row pc-align-end" aria-describedby={`${id}-help`}>
        <p id={`${id}-help`} className="pc-small muted">
          Candidates are asked for consent before their exam; the change is recorded in the audit log.
        </p>
        <label className="check">
          <input type="checkbox" checked={draft.enabled} onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })} />
          Seat camera on
        </label>
        <label>
          Seconds between stills
          <input type="number" min={10} max={600} value={draft.intervalSeconds} onChange={(e) => setDraft({ ...draft, intervalSeconds: e.target.value })} required />
        </label>
        <label>
          Days to keep stills
          <input type="number" min={1} max={365} value={draft.retentionDays} onChange={(e) => setDraft({ ...draft, retentionDays: e.target.value })} required />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save camera setting'}
        </button>
        <p role="status" className="pc-small">
          {saved ? 'Saved.' : ''}
        </p>
      </form>
      <ApiErrorMessage error={error} />
    </details>
  );
}

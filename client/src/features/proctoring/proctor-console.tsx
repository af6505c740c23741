/**
 * The proctor console (route /proctor, proctors and admins; loaded lazily, so none of it is in the candidate's
 * bundle): pick a test center (remembered on this computer), then tabs: the live console of the day's seats,
 * the center's candidates, scheduling, the incident report, oversight (extensions past the cap, reopening) and paper.
 */
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { RosterRow } from '../../../../shared/api/proctoring.ts';
import { LiveRegion } from '../../components/ui/live-region.tsx';
import * as proctorApi from './api.ts';
import type { CandidateSummary, ErrorBody, TestCenter } from './api.ts';
import { CameraSetting } from './camera-setting.tsx';
import { CandidatesTab, type CandidatesState } from './candidates-tab.tsx';
import { IncidentsTab } from './incidents-tab.tsx';
import { OversightTab } from './oversight-tab.tsx';
import { PaperTab } from './paper-tab.tsx';
import { LiveConsole } from './live-console.tsx';
import { attentionAnnouncement, newAttention, zonedDate } from './roster.ts';
import { ScheduleTab } from './schedule-tab.tsx';
import { ApiErrorMessage } from './seat-dialogs.tsx';
import { useProctorFeed } from './use-proctor-feed.ts';
import './proctor-console.css';

export const CENTER_KEY = 'cpt-exam:proctor:test-center';

function remembered(): string | null {
  try {
    return localStorage.getItem(CENTER_KEY);
  } catch {
    return null;
  }
}
function remember(id: string) {
  try {
    localStorage.setItem(CENTER_KEY, id);
  } catch {
    /* private mode: the choice lasts for this visit */
  }
}

export default function ProctorConsole() {
  const [role, setRole] = useState<'admin' | 'proctor'>('proctor');
  const [centers, setCenters] = useState<TestCenter[] | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [centerId, setCenterId] = useState<string | null>(null);
  const [picking, setPicking] = useState(false);

  useEffect(() => {
    void Promise.all([proctorApi.getMe(), proctorApi.listCenters()]).then(([me, list]) => {
      if (me.ok && me.data.role === 'admin') setRole('admin');
      if (!list.ok) return setError(list.error);
      const sorted = [...list.data].sort((a, b) => a.name.localeCompare(b.name));
      setCenters(sorted);
      const saved = remembered();
      if (saved && sorted.some((c) => c.id === saved)) setCenterId(saved);
      else if (sorted.length === 1) setCenterId(sorted[0]!.id);
    });
  }, []);

  const center = centers?.find((c) => c.id === centerId) ?? null;

  if (error)
    return (
      <section className="card" aria-labelledby="pc-title">
        <Heading>Proctor console</Heading>
        <ApiErrorMessage error={error} />
      </section>
    );
  if (!centers)
    return (
      <p className="loading" role="status">
        <span className="spinner" aria-hidden="true" /> Loading your test centers…
      </p>
    );
  if (centers.length === 0)
    return (
      <section className="card" aria-labelledby="pc-title">
        <Heading>Proctor console</Heading>
        <p>You are not assigned to a test center yet. An administrator adds proctors to their test centers.</p>
      </section>
    );
  if (!center || picking)
    return (
      <CenterPicker
        centers={centers}
        current={center?.id ?? null}
        onPick={(id) => {
          remember(id);
          setCenterId(id);
          setPicking(false);
        }}
        onCancel={center ? () => setPicking(false) : null}
      />
    );
  return <CenterConsole key={center.id} center={center} role={role} canChange={centers.length > 1} onChangeCenter={() => setPicking(true)} />;
}

function Heading({ children }: { children: React.ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h1 id="pc-title" ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

function CenterPicker({ centers, current, onPick, onCancel }: { centers: TestCenter[]; current: string | null; onPick: (id: string) => void; onCancel: (() => void) | null }) {
  const [choice, setChoice] = useState(current ?? centers[0]!.id);
  return (
    <section className="card pc-console" aria-labelledby="pc-title">
      <Heading>Choose a test center</Heading>
      <p>The console shows the seats, candidates and incidents of one test center. Your choice is remembered on this computer.</p>
      <form
        className="row pc-align-end"
        onSubmit={(e) => {
          e.preventDefault();
          onPick(choice);
        }}
      >
        <label>
          Test center
          <select value={choice} onChange={(e) => setChoice(e.target.value)}>
            {centers.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.code})
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Open console</button>
        {onCancel && (
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </form>
    </section>
  );
}

const TABS = [
  { id: 'live', label: 'Live console' },
  { id: 'candidates', label: 'Candidates' },
  { id: 'schedule', label: 'Schedule' },
  { id: 'incidents', label: 'Incidents' },
  { id: 'oversight', label: 'Oversight' },
  { id: 'paper', label: 'Paper exams' },
] as const;
type TabId = (typeof TABS)[number]['id'];

function useCandidates(centerId: string): CandidatesState {
  const [list, setList] = useState<CandidateSummary[] | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const reload = useCallback(async () => {
    const r = await proctorApi.listCandidates(centerId);
    if (r.ok) {
      setList(r.data);
      setError(null);
    } else setError(r.error);
  }, [centerId]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { list, error, reload };
}

function CenterConsole({ center, role, canChange, onChangeCenter }: { center: TestCenter; role: 'admin' | 'proctor'; canChange: boolean; onChangeCenter: () => void }) {
  const [tab, setTab] = useState<TabId>('live');
  const [day, setDay] = useState<string | null>(null);
  const [message, setMessage] = useState<{ id: number; text: string } | null>(null);
  const [preselect, setPreselect] = useState<{ id: string; n: number } | null>(null);
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});
  const feed = useProctorFeed(center, day);
  const candidates = useCandidates(center.id);

  const announce = useCallback((text: string) => setMessage((m) => ({ id: (m?.id ?? 0) + 1, text })), []);

  // New attention items are announced politely (not the ones already on screen).
  const seen = useRef<RosterRow[] | null>(null);
  useEffect(() => {
    if (!feed.loaded) {
      seen.current = null;
      return;
    }
    if (seen.current) {
      const fresh = newAttention(seen.current, feed.rows);
      if (fresh.length) announce(attentionAnnouncement(fresh));
    } else {
      const n = feed.rows.filter((r) => r.attention.length > 0).length;
      if (n) announce(`${n} seat${n === 1 ? ' needs' : 's need'} attention.`);
    }
    seen.current = feed.rows;
  }, [feed.rows, feed.loaded, announce]);

  function select(id: TabId, focus = false) {
    setTab(id);
    if (focus) tabRefs.current[id]?.focus();
    // Candidates registered elsewhere (another proctor, the admin) appear when the list is opened again.
    if (id !== tab && (id === 'candidates' || id === 'schedule')) void candidates.reload();
  }

  function onTabKey(e: KeyboardEvent<HTMLButtonElement>) {
    const i = TABS.findIndex((t) => t.id === tab);
    const to = e.key === 'ArrowRight' ? (i + 1) % TABS.length : e.key === 'ArrowLeft' ? (i - 1 + TABS.length) % TABS.length : e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : -1;
    if (to < 0) return;
    e.preventDefault();
    select(TABS[to]!.id, true);
  }

  const attention = feed.rows.filter((r) => r.attention.length > 0).length;
  const today = zonedDate(Date.now(), center.timeZone);

  return (
    <section className="pc-console" aria-labelledby="pc-title">
      <header className="pc-head">
        <div>
          <Heading>Proctor console</Heading>
          <p className="pc-center">
            <strong>{center.name}</strong> <span className="muted">· {center.code} · {center.timeZone}</span>
          </p>
          <CameraSetting center={center} role={role} />
        </div>
        {canChange && (
          <button type="button" className="secondary" onClick={onChangeCenter}>
            Change test center
          </button>
        )}
      </header>

      <LiveRegion message={message} />

      <div role="tablist" aria-label="Console sections" className="pc-tabs">
        {TABS.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              tabRefs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={`pc-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`pc-panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => select(t.id)}
            onKeyDown={onTabKey}
            className="pc-tab"
          >
            {t.label}
            {t.id === 'live' && attention > 0 && (
              <span className="pc-badge pc-badge-alert">
                {attention}
                <span className="visually-hidden"> need attention</span>
              </span>
            )}
          </button>
        ))}
      </div>

      <div role="tabpanel" id="pc-panel-live" aria-labelledby="pc-tab-live" hidden={tab !== 'live'} className="pc-panel">
        <LiveConsole center={center} feed={feed} day={day ?? feed.date ?? today} onDayChange={(d) => setDay(d && d !== today ? d : null)} announce={announce} />
      </div>
      <div role="tabpanel" id="pc-panel-candidates" aria-labelledby="pc-tab-candidates" hidden={tab !== 'candidates'} className="pc-panel">
        <CandidatesTab
          center={center}
          role={role}
          candidates={candidates}
          announce={announce}
          onSchedule={(id) => {
            setPreselect((p) => ({ id, n: (p?.n ?? 0) + 1 }));
            select('schedule', true);
          }}
        />
      </div>
      <div role="tabpanel" id="pc-panel-schedule" aria-labelledby="pc-tab-schedule" hidden={tab !== 'schedule'} className="pc-panel">
        <ScheduleTab center={center} candidates={candidates} preselect={preselect} onScheduled={announce} />
      </div>
      <div role="tabpanel" id="pc-panel-incidents" aria-labelledby="pc-tab-incidents" hidden={tab !== 'incidents'} className="pc-panel">
        <IncidentsTab center={center} />
      </div>
      <div role="tabpanel" id="pc-panel-oversight" aria-labelledby="pc-tab-oversight" hidden={tab !== 'oversight'} className="pc-panel">
        <OversightTab center={center} role={role} rows={feed.rows} visible={tab === 'oversight'} announce={announce} />
      </div>
      <div role="tabpanel" id="pc-panel-paper" aria-labelledby="pc-tab-paper" hidden={tab !== 'paper'} className="pc-panel">
        <PaperTab rows={feed.rows} announce={announce} />
      </div>
    </section>
  );
}

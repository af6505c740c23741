/**
 * The author workspace at /author (authors and admins): upload bank files with a dry run first, browse and edit items
 * (every content change is a new version), the bank's coverage of each blueprint, item analysis from delivered
 * sessions, fixed forms, and the proposals (blueprints, form publications) an admin decides. Loaded lazily, so none
 * of it is in the candidate's bundle. The selected tab is kept in ?tab= so a reload or a shared link opens the same tab.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { LiveRegion } from '../../components/ui/live-region.tsx';
import { AnalysisTab } from './analysis-tab.tsx';
import { getCoverage, getMe, type CoverageState, type Me } from './api.ts';
import './author-workspace.css';
import { CoverageTab } from './coverage-tab.tsx';
import { FormsTab } from './forms-tab.tsx';
import { ItemsTab, type OpenItemRequest } from './items-tab.tsx';
import { ProposalsTab } from './proposals-tab.tsx';
import { Tabs, type TabDef } from './tabs.tsx';
import { UploadTab } from './upload-tab.tsx';

type TabId = 'upload' | 'items' | 'coverage' | 'analysis' | 'forms' | 'proposals';
const TAB_IDS: TabId[] = ['upload', 'items', 'coverage', 'analysis', 'forms', 'proposals'];

function tabFromUrl(): TabId {
  const t = new URLSearchParams(window.location.search).get('tab');
  return TAB_IDS.includes(t as TabId) ? (t as TabId) : 'upload';
}

export default function AuthorWorkspace() {
  const [me, setMe] = useState<Me | null>(null);
  const [tab, setTab] = useState<TabId>(tabFromUrl);
  const [bankVersion, setBankVersion] = useState(0);
  const [coverage, setCoverage] = useState<CoverageState>({ data: null, error: null });
  const [openItem, setOpenItem] = useState<OpenItemRequest | null>(null);
  const [announcement, setAnnouncement] = useState<{ id: number; text: string } | null>(null);
  const announceId = useRef(0);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    headingRef.current?.focus();
    void getMe().then((r) => r.ok && setMe(r.data));
  }, []);

  useEffect(() => {
    let live = true;
    void getCoverage().then((r) => {
      if (live) setCoverage(r.ok ? { data: r.data, error: null } : { data: null, error: r.error.message });
    });
    return () => {
      live = false;
    };
  }, [bankVersion]);

  const selectTab = useCallback((id: TabId) => {
    setTab(id);
    const url = new URL(window.location.href);
    url.searchParams.set('tab', id);
    window.history.replaceState(window.history.state, '', url.pathname + url.search);
  }, []);

  const announce = useCallback((text: string) => setAnnouncement({ id: ++announceId.current, text }), []);
  const bankChanged = useCallback(() => setBankVersion((v) => v + 1), []);
  const showItem = useCallback(
    (id: string) => {
      setOpenItem((prev) => ({ id, nonce: (prev?.nonce ?? 0) + 1 }));
      selectTab('items');
    },
    [selectTab],
  );

  const tabs: TabDef<TabId>[] = [
    { id: 'upload', label: 'Upload', render: () => <UploadTab onCommitted={bankChanged} onShowItems={() => selectTab('items')} announce={announce} /> },
    { id: 'items', label: 'Items', render: () => <ItemsTab bankVersion={bankVersion} coverage={coverage.data} onBankChanged={bankChanged} openItem={openItem} announce={announce} /> },
    { id: 'coverage', label: 'Coverage', render: () => <CoverageTab coverage={coverage} /> },
    { id: 'analysis', label: 'Item analysis', render: () => <AnalysisTab isAdmin={me?.role === 'admin'} onOpenItem={showItem} announce={announce} /> },
    { id: 'forms', label: 'Forms', render: () => <FormsTab announce={announce} /> },
    { id: 'proposals', label: 'Proposals', render: () => <ProposalsTab isAdmin={me?.role === 'admin'} announce={announce} /> },
  ];

  return (
    <section className="author" aria-labelledby="author-title">
      <div className="author-head">
        <h1 id="author-title" ref={headingRef} tabIndex={-1}>
          Author workspace
        </h1>
        <p className="muted">Import bank files, edit items, check the bank against each blueprint, and review item statistics.</p>
      </div>
      <Tabs label="Author workspace sections" tabs={tabs} selected={tab} onSelect={selectTab} />
      <LiveRegion message={announcement} />
    </section>
  );
}

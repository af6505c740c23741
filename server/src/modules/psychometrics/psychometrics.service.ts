/**
 * Item analysis from delivered sessions: the classical statistics of domain/item-analysis.ts over every scored
 * session of a module (or only those assembled from one bank release, or from the live bank), each candidate
 * contributing the items their (linear-on-the-fly) form presented.
 */
import type { Db } from '../../db/client.ts';
import type { ModuleCode } from '../../../../shared/vocabulary.ts';
import { notFound } from '../../platform/errors.ts';
import { analyzeResponses, resolveThresholds, type FlagThresholds } from './domain/item-analysis.ts';
import { DEFAULT_MAX_EXPOSURE_RATE, exposureRate, suggestItemAction, type ExposurePolicy } from './domain/retirement-signals.ts';
import * as repo from './psychometrics.repository.ts';

/** The live bank first, then releases by name: the order every list of releases is shown in. */
const byRelease = (a: { name: string | null }, b: { name: string | null }) => (a.name === null ? -1 : b.name === null ? 1 : a.name.localeCompare(b.name));

export function createPsychometricsService(deps: { db: Db; exposure?: Partial<ExposurePolicy> }) {
  const defaultPolicy: ExposurePolicy = { maxExposureRate: deps.exposure?.maxExposureRate ?? DEFAULT_MAX_EXPOSURE_RATE };
  return {
    /**
     * Per-request overrides: the flag thresholds and maxExposureRate (else the configured policy). `release` limits the
     * analysis to the sessions assembled from that bank release (`live`: from the live bank); every statistic, the
     * exposure and its denominator, and so the retirement signals, then come from those sessions only.
     */
    async analyzeModule(module: ModuleCode, overrides: Partial<FlagThresholds & ExposurePolicy> = {}, release?: string) {
      const { maxExposureRate, ...thresholds } = overrides;
      const exposurePolicy: ExposurePolicy = { maxExposureRate: maxExposureRate ?? defaultPolicy.maxExposureRate };
      const scope = { release: release ?? null, name: release && release !== 'live' ? ((await repo.releaseName(deps.db, release)) ?? null) : null };
      if (release && release !== 'live' && scope.name === null) throw notFound('bank release');
      const delivered = await repo.deliveredResponses(deps.db, module);
      // Which bank releases the module's sessions drew from (null: the live bank): the choices of the filter.
      const releases = new Map<string | null, { id: string | null; name: string | null; sessions: number }>();
      for (const s of delivered.sessions) releases.set(s.releaseId, { id: s.releaseId, name: s.releaseName, sessions: (releases.get(s.releaseId)?.sessions ?? 0) + 1 });
      const wanted = release === undefined ? null : release === 'live' ? null : release;
      const sessions = release === undefined ? delivered.sessions : delivered.sessions.filter((s) => s.releaseId === wanted);
      const analysedForms = new Set(sessions.map((s) => s.formId!));
      const presented = delivered.presented.filter((p) => analysedForms.has(p.formId));
      const { answers } = delivered;
      // An item may appear in several versions; statistics are per item id, keyed by the newest delivered key.
      const items = new Map<string, { itemId: string; key: string; optionIds: string[]; version: number; role: 'scored' | 'pretest'; exposure: number; forms: number }>();
      const byForm = new Map<string, string[]>();
      for (const p of presented) {
        byForm.set(p.formId, [...(byForm.get(p.formId) ?? []), p.itemId]);
        const prev = items.get(p.itemId);
        if (!prev || prev.version < p.version) items.set(p.itemId, { itemId: p.itemId, key: p.key.key, optionIds: p.key.options.map((o) => o.id), version: p.version, role: p.role, exposure: prev?.exposure ?? 0, forms: prev?.forms ?? 0 });
      }
      const formUse = new Map<string, number>();
      for (const s of sessions) formUse.set(s.formId!, (formUse.get(s.formId!) ?? 0) + 1);
      for (const [formId, ids] of byForm) {
        for (const id of new Set(ids)) {
          items.get(id)!.exposure += formUse.get(formId) ?? 0;
          items.get(id)!.forms += 1;
        }
      }
      const chosen = new Map<string, Record<string, string | null>>();
      for (const a of answers) chosen.set(a.sessionId, { ...(chosen.get(a.sessionId) ?? {}), [a.itemId]: a.optionId });
      const rows = sessions.map((s) => ({ candidateId: s.id, presented: byForm.get(s.formId!) ?? [], responses: Object.fromEntries((byForm.get(s.formId!) ?? []).map((id) => [id, chosen.get(s.id)?.[id] ?? null])) }));
      const list = [...items.values()].sort((a, b) => a.itemId.localeCompare(b.itemId));
      // Where each item's statistics come from: its candidates per bank release.
      const sources = new Map<string, Map<string | null, { id: string | null; name: string | null; candidates: number }>>();
      for (const s of sessions) {
        for (const id of new Set(byForm.get(s.formId!) ?? [])) {
          const bySource = sources.get(id) ?? sources.set(id, new Map()).get(id)!;
          bySource.set(s.releaseId, { id: s.releaseId, name: s.releaseName, candidates: (bySource.get(s.releaseId)?.candidates ?? 0) + 1 });
        }
      }
      if (!rows.length) return { module, sessions: 0, items: [], form: null, thresholds: resolveThresholds(thresholds), exposurePolicy, releases: [...releases.values()].sort(byRelease), scope };
      const result = analyzeResponses(list.map((i) => ({ itemId: i.itemId, key: i.key, optionIds: i.optionIds })), rows, thresholds);
      return {
        module,
        sessions: rows.length,
        items: result.items.map((s) => {
          const { exposure, forms, role } = items.get(s.itemId)!;
          const facts = { exposure, candidates: rows.length };
          const rate = exposureRate(facts);
          return {
            ...s,
            exposure,
            forms,
            exposureRate: rate,
            overExposed: rate !== null && rate > exposurePolicy.maxExposureRate,
            role,
            suggestion: suggestItemAction(s, facts, result.thresholds, exposurePolicy),
            releases: [...(sources.get(s.itemId)?.values() ?? [])].sort(byRelease),
          };
        }),
        form: result.form,
        thresholds: result.thresholds,
        exposurePolicy,
        releases: [...releases.values()].sort(byRelease),
        scope,
      };
    },
  };
}
export type PsychometricsService = ReturnType<typeof createPsychometricsService>;

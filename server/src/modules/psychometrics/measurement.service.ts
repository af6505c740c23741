/**
 * Measurement on the Rasch scale (docs/measurement.md): calibrating a module's delivered sessions (free, or anchored
 * on the bank's difficulties with drift of the operational items), adopting estimates into the bank, the module's
 * scale from a standard-setting study (approved by a second person), raw-to-ability tables per form, the scale scoring
 * uses, and decision quality. Every change is audited.
 */
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../platform/actor.ts';
import type { Clock } from '../../platform/clock.ts';
import { conflict, forbidden, notFound, validationFailed } from '../../platform/errors.ts';
import { csvLine } from '../../../../shared/csv.ts';
import type { ModuleCode } from '../../../../shared/vocabulary.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { decisionQuality, passRatesByMonth, type Classified } from './domain/decision-quality.ts';
import { itemDrift } from './domain/drift.ts';
import { preEquatedRawCut, rawToThetaTable, scaleScore, tccDifference, testCharacteristic, testInformation, type ReportingScale } from './domain/pre-equating.ts';
import { calibrateRasch, CalibrationError, type RaschCalibration, type RaschData, type Score } from './domain/rasch.ts';
import * as repo from './measurement.repository.ts';
import { deliveredResponses } from './psychometrics.repository.ts';

export interface MeasurementDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
}

/** What scoring needs to score a form on the scale (docs/measurement.md §4). */
export interface ScoringScale {
  version: number;
  thetaCut: number;
  reporting: ReportingScale;
  /** Item id → difficulty, for every scored item of the form. */
  difficulties: Record<string, number>;
}

type StoredRun = Pick<RaschCalibration, 'personSeparationReliability' | 'iterations' | 'notes'> & {
  items: (RaschCalibration['items'][number] & { role: 'scored' | 'pretest' })[];
  drift: ReturnType<typeof itemDrift> | null;
};

const scaleOf = (s: repo.ScaleRow): ReportingScale => ({ min: s.scaleMin, max: s.scaleMax, cut: s.scaleCut, perLogit: s.perLogit });

export function createMeasurementService(deps: MeasurementDeps) {
  const { db, clock } = deps;

  /** The scored (0/1/not presented) matrix of a module's delivered sessions, with each item's role. */
  async function deliveredMatrix(module: ModuleCode): Promise<{ data: RaschData; roles: Map<string, 'scored' | 'pretest'>; sessions: number }> {
    const { sessions, presented, answers } = await deliveredResponses(db, module);
    const keys = new Map<string, { key: string; version: number; role: 'scored' | 'pretest' }>();
    const byForm = new Map<string, Set<string>>();
    for (const p of presented) {
      byForm.set(p.formId, (byForm.get(p.formId) ?? new Set()).add(p.itemId));
      const prev = keys.get(p.itemId);
      if (!prev || prev.version < p.version) keys.set(p.itemId, { key: p.key.key, version: p.version, role: p.role });
    }
    const chosen = new Map<string, Map<string, string | null>>();
    for (const a of answers) chosen.set(a.sessionId, (chosen.get(a.sessionId) ?? new Map()).set(a.itemId, a.optionId));
    const itemIds = [...keys.keys()].sort();
    const data: RaschData = {
      itemIds,
      persons: sessions.map((s) => {
        const shown = byForm.get(s.formId!) ?? new Set<string>();
        return { personId: s.id, scores: itemIds.map((id): Score => (shown.has(id) ? (chosen.get(s.id)?.get(id) === keys.get(id)!.key ? 1 : 0) : null)) };
      }),
    };
    return { data, roles: new Map([...keys].map(([id, k]) => [id, k.role])), sessions: sessions.length };
  }

  function runView(r: repo.CalibrationRunRow) {
    const stored = r.result as unknown as StoredRun;
    return { id: r.id, module: r.module, kind: r.kind, sessions: r.sessions, createdAt: r.createdAt, adoptedAt: r.adoptedAt, ...stored };
  }

  /** Calibrates, turning a failure into a message that says what it came from and what would help. */
  function calibrateOrExplain(data: RaschData, sessions: number, anchors?: Record<string, number>): RaschCalibration {
    try {
      return calibrateRasch(data, { anchors });
    } catch (e) {
      // A handful of sessions often cannot place every item (a difficulty runs off to infinity): say it is the sample.
      if (e instanceof CalibrationError) throw validationFailed(`Cannot calibrate: ${e.message} (from ${sessions} scored sessions; a small sample often cannot place every item, so calibrate again when more sessions are delivered)`);
      throw e;
    }
  }

  async function formTable(formId: string) {
    const form = await repo.formWithItems(db, formId);
    if (!form) throw notFound(`form ${formId}`);
    const scored = form.items.filter((i) => i.role === 'scored').map((i) => i.itemId);
    const params = await repo.parametersFor(db, scored);
    const uncalibrated = scored.filter((id) => !params.has(id)).sort();
    const scale = await repo.activeScale(db, form.module);
    return { form, scored, params, uncalibrated, scale };
  }

  const service = {
    /** Calibrates the module's delivered sessions and stores the run (not yet the bank's until adopted). */
    async calibrate(actor: Actor, input: { module: ModuleCode; kind: 'free' | 'anchored' }) {
      const { data, roles, sessions } = await deliveredMatrix(input.module);
      if (sessions < 2) throw validationFailed(`Cannot calibrate ${input.module}: it needs at least 2 scored sessions, it has ${sessions}`);
      let cal: RaschCalibration;
      let drift: StoredRun['drift'] = null;
      if (input.kind === 'free') {
        cal = calibrateOrExplain(data, sessions);
      } else {
        const bank = await repo.parametersFor(db, data.itemIds);
        if (bank.size === 0) throw conflict(`${input.module} has no bank difficulties to anchor on: run a free calibration and adopt it first`);
        const anchors = Object.fromEntries([...bank].map(([id, p]) => [id, p.difficulty]));
        cal = calibrateOrExplain(data, sessions, anchors);
        // Drift: the same data calibrated freely, compared with the bank over the anchored items it could estimate.
        const free = calibrateOrExplain(data, sessions);
        drift = itemDrift(
          free.items
            .filter((i) => bank.has(i.itemId) && i.difficulty !== null)
            .map((i) => ({ itemId: i.itemId, bank: bank.get(i.itemId)!, fresh: { difficulty: i.difficulty!, se: i.se! } })),
        );
      }
      const result: StoredRun = {
        items: cal.items.map((i) => ({ ...i, role: roles.get(i.itemId) ?? 'scored' })),
        personSeparationReliability: cal.personSeparationReliability,
        iterations: cal.iterations,
        notes: cal.notes,
        drift,
      };
      return db.transaction(async (tx) => {
        const row = await repo.insertRun(tx, { module: input.module, kind: input.kind, sessions, result: { ...result }, createdBy: actor.userId, createdAt: clock.now() });
        await deps.audit.record(actor, { action: 'measurement.calibrated', subjectType: 'calibration-run', subjectId: row.id, details: { module: input.module, kind: input.kind, sessions, items: cal.items.length, driftFlags: drift?.items.filter((d) => d.flagged).map((d) => d.itemId) ?? [] } }, tx);
        return runView(row);
      });
    },

    listRuns: (module: ModuleCode) => repo.listRuns(db, module),

    async getRun(id: string) {
      const r = await repo.findRun(db, id);
      if (!r) throw notFound(`calibration run ${id}`);
      return runView(r);
    },

    /**
     * Makes a run's estimates the bank's difficulties. A free run may only establish a module's scale (no difficulties
     * yet); after that, new items join through anchored runs, so every difficulty stays on one scale.
     */
    async adopt(actor: Actor, runId: string, itemIds?: string[]) {
      if (actor.role !== 'admin') throw forbidden('Only admins adopt calibrated difficulties into the bank');
      return db.transaction(async (tx) => {
        const r = await repo.findRun(tx, runId);
        if (!r) throw notFound(`calibration run ${runId}`);
        const run = runView(r);
        if (run.kind === 'free' && (await repo.parametersOfModule(tx, r.module)).length > 0) {
          throw conflict(`${r.module} already has bank difficulties; a free calibration has its own scale, so new items join through an anchored calibration`);
        }
        const estimated = new Map(run.items.filter((i) => i.status === 'estimated' && i.difficulty !== null).map((i) => [i.itemId, i]));
        const wanted = itemIds ?? [...estimated.keys()];
        const unknown = wanted.filter((id) => !estimated.has(id));
        if (unknown.length) throw validationFailed(`These items have no estimate in run ${runId} to adopt: ${unknown.join(', ')}`);
        const now = clock.now();
        await repo.upsertParameters(tx, wanted.map((id) => ({ itemId: id, module: r.module, difficulty: estimated.get(id)!.difficulty!, se: estimated.get(id)!.se!, n: estimated.get(id)!.n, runId, adoptedAt: now })));
        await repo.markAdopted(tx, runId, actor.userId, now);
        await deps.audit.record(actor, { action: 'measurement.difficulties-adopted', subjectType: 'calibration-run', subjectId: runId, details: { module: r.module, items: wanted } }, tx);
        return { adopted: wanted.sort() };
      });
    },

    parameters: (module: ModuleCode) => repo.parametersOfModule(db, module),

    /** Records a standard-setting study's cut on the ability scale as the next version (not used until approved). */
    async createScale(actor: Actor, input: { module: ModuleCode; thetaCut: number; scale: ReportingScale; study: { method: string; date: string; panelSize: number; summary: string } }) {
      return db.transaction(async (tx) => {
        const version = ((await repo.listScales(tx, input.module))[0]?.version ?? 0) + 1;
        const row = await repo.insertScale(tx, {
          module: input.module,
          version,
          thetaCut: input.thetaCut,
          scaleMin: input.scale.min,
          scaleMax: input.scale.max,
          scaleCut: input.scale.cut,
          perLogit: input.scale.perLogit,
          study: { ...input.study },
          createdBy: actor.userId,
          createdAt: clock.now(),
        });
        await deps.audit.record(actor, { action: 'measurement.scale-recorded', subjectType: 'measurement-scale', subjectId: `${input.module}/${version}`, details: { thetaCut: input.thetaCut, scale: input.scale, study: input.study } }, tx);
        return (await service.listScales(input.module, tx)).find((s) => s.version === version)!;
      });
    },

    async listScales(module: ModuleCode, tx: Db = db) {
      const rows = await repo.listScales(tx, module);
      const active = rows.find((r) => r.approvedAt)?.version;
      return rows.map((s) => ({ module: s.module, version: s.version, thetaCut: s.thetaCut, scale: scaleOf(s), study: s.study as { method: string; date: string; panelSize: number; summary: string }, createdAt: s.createdAt, approvedAt: s.approvedAt, active: s.version === active }));
    },

    /** Approval by an admin other than the person who recorded the study; from then on new sessions score on it. */
    async approveScale(actor: Actor, module: ModuleCode, version: number) {
      if (actor.role !== 'admin') throw forbidden('Only admins approve a scale');
      return db.transaction(async (tx) => {
        const s = await repo.findScale(tx, module, version);
        if (!s) throw notFound(`scale ${module} version ${version}`);
        if (s.approvedAt) throw conflict(`scale ${module} version ${version} is already approved`);
        if (s.createdBy === actor.userId) throw forbidden('The person who recorded a standard-setting study cannot also approve it');
        await repo.approveScale(tx, module, version, actor.userId, clock.now());
        await deps.audit.record(actor, { action: 'measurement.scale-approved', subjectType: 'measurement-scale', subjectId: `${module}/${version}`, details: { thetaCut: s.thetaCut } }, tx);
        return (await service.listScales(module, tx)).find((x) => x.version === version)!;
      });
    },

    /**
     * The scale a form is scored on now, or why not: null when the module has no approved scale; `uncalibrated` when
     * some scored item has no bank difficulty (the form is then scored by its raw-percent cut).
     */
    async scaleForScoring(tx: Db, module: ModuleCode, scoredItemIds: string[]): Promise<ScoringScale | { uncalibrated: string[] } | null> {
      const s = await repo.activeScale(tx, module);
      if (!s) return null;
      const params = await repo.parametersFor(tx, scoredItemIds);
      const missing = scoredItemIds.filter((id) => !params.has(id));
      if (missing.length) return { uncalibrated: missing.sort() };
      return { version: s.version, thetaCut: s.thetaCut, reporting: scaleOf(s), difficulties: Object.fromEntries(scoredItemIds.map((id) => [id, params.get(id)!.difficulty])) };
    },

    /**
     * What a form certificate states about the scale (#20.4): the information, CSEM and expected raw score at the cut and
     * the raw cut, when the module has an approved scale and every scored item a bank difficulty; otherwise null.
     */
    async formFacts(tx: Db, module: ModuleCode, scoredItemIds: string[]) {
      const s = await service.scaleForScoring(tx, module, scoredItemIds);
      if (!s || 'uncalibrated' in s || scoredItemIds.length === 0) return null;
      const bs = scoredItemIds.map((id) => s.difficulties[id]!);
      const info = testInformation(bs, s.thetaCut);
      return { scaleVersion: s.version, thetaCut: s.thetaCut, informationAtCut: info, csemAtCut: 1 / Math.sqrt(info), expectedRawAtCut: testCharacteristic(bs, s.thetaCut), rawCut: preEquatedRawCut(bs, s.thetaCut) };
    },

    /**
     * What the assembler needs to build forms to a target information at the cut (#20.4): the approved cut and the
     * bank's adopted difficulties, or null while the module has no approved scale (forms are then built as before).
     */
    async assemblyScale(tx: Db, module: ModuleCode): Promise<{ thetaCut: number; scaleVersion: number; difficulties: Map<string, number> } | null> {
      const s = await repo.activeScale(tx, module);
      if (!s) return null;
      return { thetaCut: s.thetaCut, scaleVersion: s.version, difficulties: await repo.moduleDifficulties(tx, module) };
    },

    /** A form's raw-to-ability table, its raw cut and the information at the cut, on the active scale. */
    async formMeasurement(formId: string) {
      const { form, scored, params, uncalibrated, scale } = await formTable(formId);
      const base = { formId, module: form.module, scoredItems: scored.length, uncalibrated, thetaCut: scale?.thetaCut ?? null, scaleVersion: scale?.version ?? null };
      if (uncalibrated.length || !scored.length) return { ...base, rawCut: null, expectedRawAtCut: null, informationAtCut: null, csemAtCut: null, table: [] };
      const bs = scored.map((id) => params.get(id)!.difficulty);
      const rawCut = scale ? preEquatedRawCut(bs, scale.thetaCut) : null;
      const info = scale ? testInformation(bs, scale.thetaCut) : null;
      return {
        ...base,
        rawCut,
        expectedRawAtCut: scale ? testCharacteristic(bs, scale.thetaCut) : null,
        informationAtCut: info,
        csemAtCut: info ? 1 / Math.sqrt(info) : null,
        table: rawToThetaTable(bs).map((r) => ({ ...r, scaleScore: scale ? scaleScore(r.theta, scale.thetaCut, scaleOf(scale), r.raw >= rawCut!) : null })),
      };
    },

    /**
     * Parallel forms side by side (#20.4's check): each form's information and expected raw score at the cut, its raw
     * cut, and how far its characteristic curve is from the first form's, against a tolerance in raw-score points.
     */
    async compareForms(formIds: string[], tolerance = 1) {
      const loaded: Awaited<ReturnType<typeof formTable>>[] = [];
      for (const id of formIds) loaded.push(await formTable(id));
      const modules = new Set(loaded.map((l) => l.form.module));
      if (modules.size > 1) throw validationFailed(`The forms belong to different modules (${[...modules].join(', ')}); compare forms of one module`);
      const scale = loaded[0]!.scale;
      const bsOf = (l: (typeof loaded)[number]) => (l.uncalibrated.length ? null : l.scored.map((id) => l.params.get(id)!.difficulty));
      const reference = bsOf(loaded[0]!);
      return {
        thetaCut: scale?.thetaCut ?? null,
        scaleVersion: scale?.version ?? null,
        reference: formIds[0]!,
        tolerance,
        forms: loaded.map((l, k) => {
          const bs = bsOf(l);
          const diff = bs && reference ? tccDifference(reference, bs) : null;
          return {
            formId: formIds[k]!,
            scoredItems: l.scored.length,
            uncalibrated: l.uncalibrated,
            informationAtCut: bs && scale ? testInformation(bs, scale.thetaCut) : null,
            expectedRawAtCut: bs && scale ? testCharacteristic(bs, scale.thetaCut) : null,
            rawCut: bs && scale ? preEquatedRawCut(bs, scale.thetaCut) : null,
            maxTccDifference: diff?.maxDifference ?? null,
            at: diff?.at ?? null,
            withinTolerance: diff ? diff.maxDifference <= tolerance : null,
          };
        }),
      };
    },

    /** Rudner accuracy and consistency at the cut, per module and per form, with pass rates by month. */
    async decisionQuality(module: ModuleCode) {
      const scale = await repo.activeScale(db, module);
      const sessions = await repo.scoredSessions(db, module);
      const notes: string[] = [];
      const passRates = passRatesByMonth(sessions.map((s) => ({ at: s.scoredAt, passed: s.passed })));
      const empty = { candidates: 0, passRate: null, accuracy: null, consistency: null, falsePositive: null, falseNegative: null, csemAtCut: null };
      if (!scale) {
        notes.push(`${module} has no approved scale: accuracy and consistency need a cut on the ability scale`);
        return { module, thetaCut: null, scaleVersion: null, excluded: sessions.length, recordedOtherwise: 0, overall: { ...empty, formId: null }, forms: [], passRates, notes };
      }
      const formIds = [...new Set(sessions.map((s) => s.formId!))];
      const itemsOf = new Map<string, string[]>();
      for (const r of await repo.scoredItemsOfForms(db, formIds)) itemsOf.set(r.formId, [...(itemsOf.get(r.formId) ?? []), r.itemId]);
      const params = await repo.parametersFor(db, [...new Set([...itemsOf.values()].flat())]);
      const tables = new Map<string, { table: ReturnType<typeof rawToThetaTable>; csem: number; rawCut: number }>();
      for (const [formId, ids] of itemsOf) {
        if (!ids.every((id) => params.has(id))) continue;
        const bs = ids.map((id) => params.get(id)!.difficulty);
        tables.set(formId, { table: rawToThetaTable(bs), csem: 1 / Math.sqrt(testInformation(bs, scale.thetaCut)), rawCut: preEquatedRawCut(bs, scale.thetaCut) });
      }
      // Rudner's method evaluates the decision on the scale, θ̂ ≥ θ_cut (raw ≥ the form's pre-equated raw cut), whatever
      // rule recorded the result; results recorded otherwise are counted, so a program can see what a change would move.
      const perForm = new Map<string, Classified[]>();
      let excluded = 0;
      let recordedOtherwise = 0;
      for (const s of sessions) {
        const t = tables.get(s.formId!);
        const row = t?.table[s.rawScore];
        if (!row) {
          excluded++;
          continue;
        }
        // The raw cut, not a comparison of θ̂ with θ_cut: at a raw score whose θ̂ is θ_cut itself they are one rule, and
        // the integer test cannot be tipped by rounding.
        const passed = s.rawScore >= t.rawCut;
        if (passed !== s.passed) recordedOtherwise++;
        perForm.set(s.formId!, [...(perForm.get(s.formId!) ?? []), { theta: row.theta, se: row.se, passed }]);
      }
      if (excluded) notes.push(`${excluded} scored session(s) left out: a scored item of their form has no bank difficulty`);
      if (recordedOtherwise) notes.push(`${recordedOtherwise} recorded result(s) differ from the decision on the scale (scored before it, by the percent cut, or terminated)`);
      const all = [...perForm.values()].flat();
      const meanCsem = tables.size ? [...perForm.keys()].reduce((s, f) => s + tables.get(f)!.csem * perForm.get(f)!.length, 0) / Math.max(1, all.length) : null;
      return {
        module,
        thetaCut: scale.thetaCut,
        scaleVersion: scale.version,
        excluded,
        recordedOtherwise,
        overall: { formId: null, ...decisionQuality(all, scale.thetaCut), csemAtCut: all.length ? meanCsem : null },
        forms: [...perForm].map(([formId, cs]) => ({ formId, ...decisionQuality(cs, scale.thetaCut), csemAtCut: tables.get(formId)!.csem })).sort((a, b) => a.formId.localeCompare(b.formId)),
        passRates,
        notes,
      };
    },

    async decisionQualityCsv(module: ModuleCode): Promise<string> {
      const q = await service.decisionQuality(module);
      const f = (v: number | null) => (v === null ? '' : v.toFixed(4));
      const lines = [csvLine(['module', 'form', 'candidates', 'pass_rate', 'accuracy', 'consistency', 'false_positive', 'false_negative', 'csem_at_cut', 'theta_cut', 'scale_version'])];
      for (const r of [q.overall, ...q.forms]) {
        lines.push(csvLine([module, r.formId ?? 'ALL', String(r.candidates), f(r.passRate), f(r.accuracy), f(r.consistency), f(r.falsePositive), f(r.falseNegative), f(r.csemAtCut), f(q.thetaCut), q.scaleVersion === null ? '' : String(q.scaleVersion)]));
      }
      return lines.join('\n') + '\n';
    },
  };
  return service;
}
export type MeasurementService = ReturnType<typeof createMeasurementService>;

/**
 * The composition root: builds every module's service from the infrastructure. app.ts (HTTP) and the CLI both use
 * it, so the command line and the API run the same code.
 */
import type { Config } from './config/env.ts';
import type { Database } from './db/client.ts';
import type { Clock } from './platform/clock.ts';
import { createAccountsService } from './modules/accounts/accounts.service.ts';
import { createAuditService } from './modules/audit/audit.service.ts';
import { createAssemblyService } from './modules/assembly/assembly.service.ts';
import { createAuthService } from './modules/auth/auth.service.ts';
import { createAuthoringService } from './modules/authoring/authoring.service.ts';
import { createItemBankService } from './modules/item-bank/item-bank.service.ts';
import { createCameraService } from './modules/camera/camera.service.ts';
import { createProctoringService } from './modules/proctoring/proctoring.service.ts';
import { createMeasurementService } from './modules/psychometrics/measurement.service.ts';
import { createPsychometricsService } from './modules/psychometrics/psychometrics.service.ts';
import { createScoringService } from './modules/scoring/scoring.service.ts';
import { createResultActionsService } from './modules/scoring/result-actions.service.ts';
import { createRecertificationService } from './modules/scoring/recertification.service.ts';
import { createCredentialsService } from './modules/credentials/credentials.service.ts';
import { createEmployerService } from './modules/credentials/employer.service.ts';
import { loadSigningKey } from './modules/credentials/signing-key.ts';
import { createSessionsService } from './modules/sessions/sessions.service.ts';
import { createPracticeService } from './modules/practice/practice.service.ts';
import { createPaperService } from './modules/paper/paper.service.ts';
import { createPaperSessions } from './modules/sessions/paper-sessions.service.ts';

/** Where services report failures of work they do in the background (nobody awaits it); app.ts passes its logger. */
export type BackgroundErrorLog = (message: string, error: unknown) => void;

export function composeServices(deps: { config: Config; database: Database; clock: Clock; log?: BackgroundErrorLog }) {
  const db = deps.database.db;
  const audit = createAuditService({ db });
  const accounts = createAccountsService({ db, audit, clock: deps.clock });
  const auth = createAuthService({
    db,
    clock: deps.clock,
    tokenSecret: deps.config.tokenSecret,
    sessionTtlMs: deps.config.sessionTtlMs,
    staffSession: deps.config.staffSession,
    mfaRequiredRoles: deps.config.mfaRequiredRoles,
    accounts,
    audit,
  });
  const itemBank = createItemBankService({ db, audit });
  const measurement = createMeasurementService({ db, clock: deps.clock, audit });
  const assembly = createAssemblyService({ db, clock: deps.clock, itemBank, audit, ...deps.config.assembly, measurement });
  const authoring = createAuthoringService({ db, itemBank, assembly });
  const scoring = createScoringService({ db, clock: deps.clock, audit, itemBank, assembly, measurement });
  const sessions = createSessionsService({
    db,
    clock: deps.clock,
    audit,
    assembly,
    accounts,
    launchCodes: auth,
    auth,
    scoring,
    log: deps.log,
    eligibility: { check: (input, tx) => scoring.checkEligibility(input, tx) },
    config: { warningMinutes: deps.config.sessions.warningMinutes, disconnect: { pauseAfterMs: deps.config.sessions.disconnectPauseAfterMs, creditCapMs: deps.config.sessions.disconnectCreditCapMs, resume: deps.config.sessions.disconnectResume }, liveTimeoutMs: deps.config.sessions.liveness.timeoutMs, extensionCapMs: deps.config.sessions.extensionCapMs },
  });
  const proctoring = createProctoringService({ db, clock: deps.clock, audit, sessions });
  const camera = createCameraService({ db, clock: deps.clock, audit, sessions });
  const psychometrics = createPsychometricsService({ db, exposure: deps.config.analysis });
  const recertification = createRecertificationService({ db, clock: deps.clock, audit, policy: () => scoring.policy() });
  const resultActions = createResultActionsService({ db, clock: deps.clock, audit, lifecycle: scoring.lifecycle });
  const credentials = createCredentialsService({ db, clock: deps.clock, publicUrl: deps.config.publicUrl, signingKey: loadSigningKey(deps.config.signingKey), scoring, itemBank });
  const employer = createEmployerService({ db, clock: deps.clock, audit, scoring, requireHttpsWebhooks: deps.config.env === 'production' });
  const practice = createPracticeService({ db, clock: deps.clock, audit, itemBank, assembly });
  const paperSessions = createPaperSessions({ db, audit, assembly, eligibility: { check: (input) => scoring.checkEligibility(input) } });
  const paper = createPaperService({ db, clock: deps.clock, audit, paperSessions, sessions, assembly });
  return { audit, accounts, auth, itemBank, assembly, authoring, scoring, sessions, proctoring, psychometrics, measurement, resultActions, recertification, credentials, employer, practice, paper, camera };
}
export type Services = ReturnType<typeof composeServices>;

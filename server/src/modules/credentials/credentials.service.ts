/**
 * Credentials that travel: each module certificate and the full CPT as a signed Open Badges 3.0 credential (VC-JWT,
 * RS256), baked into PNG and SVG badges; the issuer profile, achievements, keys (JWKS) and revocation status lists a
 * verifier fetches; public verification of credentials and score reports; and the PDFs a holder takes away.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../platform/actor.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, forbidden, notFound, validationFailed } from '../../platform/errors.ts';
import type { VerifiedCredential } from '../../../../shared/api/credentials.ts';
import type { ModuleCode } from '../../../../shared/vocabulary.ts';
import type { ItemBankService } from '../item-bank/item-bank.service.ts';
import type { ScoringService } from '../scoring/scoring.service.ts';
import { MODULE_TITLES, normalizeVerificationCode } from '../scoring/domain/credentials.ts';
import { bakePng, bakeSvg } from './domain/baking.ts';
import { badgeSvg } from './domain/badge-art.ts';
import { achievement, achievementCodeOf, achievementName, criteriaNarrative, isAchievementCode, issuerProfile, jwtPayload, openBadgeCredential, statusListCredential, urls, type AchievementCode, type AchievementText } from './domain/open-badge.ts';
import { encodeStatusList, STATUS_LIST_BITS, statusPosition } from './domain/status-list.ts';
import { certificatePdf, kwaDocumentPdf, walletCardPdf, type CredentialDocInput, type KwaSection } from './documents/credential-documents.ts';
import { scoreReportPdf } from './documents/score-report-pdf.ts';
import type { SigningKey } from './signing-key.ts';
import * as repo from './credentials.repository.ts';

const BADGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../assets/badges');

export interface CredentialsDeps {
  db: Db;
  clock: Clock;
  publicUrl: string;
  signingKey: SigningKey;
  scoring: Pick<ScoringService, 'verify' | 'report' | 'policy' | 'statusOf' | 'earliestRetakeAfter' | 'reportSummary' | 'credentialByCode'>;
  itemBank: Pick<ItemBankService, 'snapshot'>;
  /** The public lookups' per-address token bucket (default PUBLIC_LOOKUP_LIMITS), shared by every instance. */
  publicLimits?: { burst: number; perSecond: number };
}

/** `/api/verify`: 30 lookups at once per client address, then one a second. */
export const PUBLIC_LOOKUP_LIMITS = { burst: 30, perSecond: 1 };
/** How often one instance deletes idle buckets. */
const BUCKET_SWEEP_MS = 60_000;

export type BadgeFormat = 'json' | 'jwt' | 'png' | 'svg';

export function createCredentialsService(deps: CredentialsDeps) {
  const { db, clock, signingKey } = deps;
  const u = { publicUrl: deps.publicUrl };
  const pngCache = new Map<AchievementCode, Buffer>();
  const limits = deps.publicLimits ?? PUBLIC_LOOKUP_LIMITS;
  let lastSweep = 0;

  async function achievementText(code: AchievementCode): Promise<AchievementText & { sections: KwaSection[] }> {
    const p = await deps.scoring.policy();
    const modules: ModuleCode[] = code === 'CPT' ? p.requiredModules : [code];
    const snapshot = await deps.itemBank.snapshot();
    const sections = modules.map((m) => {
      const catalog = snapshot.modules.get(m)?.catalogs.at(-1);
      return { module: m, title: MODULE_TITLES[m], kwas: (catalog?.kwas ?? []).map((k) => ({ code: k.code, title: k.title, weight: k.weight })) };
    });
    return { narrative: criteriaNarrative(code, p.requiredModules, p.fullCptWindowYears), kwas: sections.flatMap((s) => s.kwas.map((k) => ({ code: k.code, title: k.title }))), sections };
  }

  /** The credential row behind a code, checked against who asks: its holder or an admin. */
  async function ownCredential(actor: Actor, rawCode: string) {
    const code = normalizeVerificationCode(rawCode);
    if (!code) throw validationFailed('That is not a verification code (they look like CPT-XXXX-XXXX-XXXX)');
    const row = await deps.scoring.credentialByCode(code);
    if (!row || (actor.role !== 'admin' && row.credential.candidateId !== actor.userId)) throw notFound('credential');
    if (actor.role !== 'admin' && actor.role !== 'candidate') throw forbidden();
    return row;
  }

  function docInput(row: NonNullable<Awaited<ReturnType<ScoringService['credentialByCode']>>>): CredentialDocInput {
    const c = row.credential;
    const code = achievementCodeOf(c);
    return {
      holder: row.holder,
      credential: achievementName(code),
      kind: c.kind,
      issuedOn: c.issuedOn,
      validThrough: c.validThrough,
      verificationCode: c.verificationCode,
      verifyUrl: urls.verifyPage(u, c.verificationCode),
      status: deps.scoring.statusOf(c, clock.now()),
    };
  }

  async function signedBadge(row: NonNullable<Awaited<ReturnType<ScoringService['credentialByCode']>>>) {
    const c = row.credential;
    const code = achievementCodeOf(c);
    const credential = openBadgeCredential(
      u,
      { credentialId: c.id, candidateId: c.candidateId, holderName: row.holder, kind: c.kind, module: c.module, verificationCode: c.verificationCode, issuedAt: c.issuedAt, expiresAt: c.expiresAt, statusSeq: c.statusSeq },
      await achievementText(code),
    );
    return { code, credential, jwt: signingKey.signJwt(jwtPayload(credential)) };
  }

  function badgePng(code: AchievementCode): Buffer {
    let png = pngCache.get(code);
    if (!png) {
      png = readFileSync(path.join(BADGE_DIR, `${code}.png`));
      pngCache.set(code, png);
    }
    return png;
  }

  const service = {
    /** Publishes this instance's public key (idempotent; keys stay published after a rotation). */
    async publishKey() {
      await repo.publishSigningKey(db, signingKey.kid, signingKey.publicJwk);
    },

    async jwks() {
      return { keys: (await repo.signingKeysAll(db)).map((k) => k.publicJwk) };
    },

    async key(kid: string) {
      const key = (await repo.signingKeysAll(db)).find((k) => k.kid === kid);
      if (!key) throw notFound('a signing key with this id');
      return key.publicJwk;
    },

    issuer: () => ({ ...issuerProfile(u), publicKeys: urls.jwks(u) }),

    async achievement(code: string) {
      if (!isAchievementCode(code)) throw notFound(`achievement ${code}`);
      return achievement(u, code, await achievementText(code));
    },

    badgeImage(code: string): string {
      if (!isAchievementCode(code)) throw notFound(`achievement ${code}`);
      return badgeSvg(code);
    },

    /** The holder's (or an admin's) signed credential, as JSON, the compact JWS, or a baked PNG or SVG badge. */
    async badge(actor: Actor, rawCode: string, format: BadgeFormat): Promise<{ body: string | Buffer; type: string; filename: string }> {
      const row = await ownCredential(actor, rawCode);
      if (row.credential.status === 'revoked') throw new AppError('CONFLICT', 'This credential was revoked; its badge is no longer issued');
      if (row.credential.status === 'suspended') throw new AppError('CONFLICT', 'This credential is on hold while its result is reviewed; its badge is not issued until the hold is released');
      const { code, credential, jwt } = await signedBadge(row);
      const name = `${row.credential.verificationCode}-open-badge`;
      if (format === 'json') return { body: JSON.stringify({ credential, proof: { type: 'VC-JWT', jwt } }, null, 2), type: 'application/json', filename: `${name}.json` };
      if (format === 'jwt') return { body: jwt, type: 'application/vc+jwt', filename: `${name}.jwt` };
      if (format === 'svg') return { body: bakeSvg(badgeSvg(code), jwt), type: 'image/svg+xml', filename: `${name}.svg` };
      return { body: Buffer.from(bakePng(badgePng(code), jwt)), type: 'image/png', filename: `${name}.png` };
    },

    /** The signed status list credential (VC-JWT) of list `list` (1-based). */
    async statusList(list: number): Promise<string> {
      const highest = await repo.highestStatusSeq(db);
      const lists = Math.max(1, Math.ceil(highest / STATUS_LIST_BITS));
      if (!Number.isInteger(list) || list < 1 || list > lists) throw notFound(`status list ${list}`);
      const from = (list - 1) * STATUS_LIST_BITS + 1;
      const revoked = await repo.revokedSeqsBetween(db, from, from + STATUS_LIST_BITS - 1);
      const encoded = encodeStatusList(revoked.map((s) => statusPosition(s).index));
      return signingKey.signJwt(statusListCredential(u, list, encoded, clock.now()));
    },

    /**
     * Counts one public lookup from `address` (the TCP peer, or what a proxy named in TRUST_PROXY says) in the shared
     * bucket; returns 0 when it may go ahead, else the seconds until it may. Once a minute this instance also deletes
     * the buckets idle long enough to be full again.
     */
    async takePublicLookup(address: string): Promise<number> {
      const now = clock.now();
      const b = await repo.takePublicToken(db, 'verify', address, now, limits);
      if (now.getTime() - lastSweep >= BUCKET_SWEEP_MS) {
        lastSweep = now.getTime();
        await repo.deleteIdleBuckets(db, new Date(now.getTime() - (limits.burst / limits.perSecond) * 1000));
      }
      return b.granted ? 0 : Math.max(1, Math.ceil((1 - b.tokens) / limits.perSecond));
    },

    /** Public verification of a credential, with where its signed status is published. */
    async verify(rawCode: string): Promise<VerifiedCredential> {
      const v = await deps.scoring.verify(rawCode);
      const row = (await deps.scoring.credentialByCode(v.verificationCode))!;
      const pos = statusPosition(row.credential.statusSeq);
      const { credentialId: _id, ...rest } = v;
      return { ...rest, badge: { issuer: urls.issuer(u), statusList: urls.statusList(u, pos.list), statusListIndex: pos.index } };
    },

    async reportSummary(sessionId: string) {
      return deps.scoring.reportSummary(sessionId);
    },

    async scoreReportPdf(actor: Actor, sessionId: string): Promise<{ pdf: Buffer; filename: string }> {
      const r = await deps.scoring.report(actor, sessionId);
      if (!r.result) throw notFound('a score for this session (not scored yet)');
      const verifyUrl = r.certificate && r.certificate.status !== 'revoked' ? urls.verifyPage(u, r.certificate.verificationCode) : `${u.publicUrl}/verify/report/${r.sessionId}`;
      const pdf = await scoreReportPdf({ ...r, result: r.result, verifyUrl, earliestRetake: await deps.scoring.earliestRetakeAfter(sessionId) });
      return { pdf, filename: `score-report-${r.module}-${r.sessionId.slice(0, 8)}.pdf` };
    },

    async certificatePdf(actor: Actor, rawCode: string) {
      const row = await ownCredential(actor, rawCode);
      return { pdf: await certificatePdf(docInput(row)), filename: `${row.credential.verificationCode}-certificate.pdf` };
    },

    async walletCardPdf(actor: Actor, rawCode: string) {
      const row = await ownCredential(actor, rawCode);
      const text = await achievementText(achievementCodeOf(row.credential));
      return { pdf: await walletCardPdf({ ...docInput(row), modules: text.sections.map((s) => s.title) }), filename: `${row.credential.verificationCode}-wallet-card.pdf` };
    },

    /** The KWA document of a held credential (with the holder's name), or of an achievement (public, no holder). */
    async kwaDocumentPdf(actor: Actor | null, target: { code: string } | { achievement: string }) {
      if ('code' in target) {
        if (!actor) throw new AppError('UNAUTHENTICATED', 'Sign in first');
        const row = await ownCredential(actor, target.code);
        const code = achievementCodeOf(row.credential);
        const text = await achievementText(code);
        const input = docInput(row);
        return { pdf: await kwaDocumentPdf(input, input.credential, text.narrative, text.sections, input.verifyUrl), filename: `${row.credential.verificationCode}-key-work-activities.pdf` };
      }
      if (!isAchievementCode(target.achievement)) throw notFound(`achievement ${target.achievement}`);
      const text = await achievementText(target.achievement);
      return { pdf: await kwaDocumentPdf(null, achievementName(target.achievement), text.narrative, text.sections, `${u.publicUrl}/verify`), filename: `${target.achievement}-key-work-activities.pdf` };
    },
  };
  return service;
}

export type CredentialsService = ReturnType<typeof createCredentialsService>;

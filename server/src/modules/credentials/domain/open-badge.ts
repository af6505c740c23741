/**
 * The Open Badges 3.0 credential (an OpenBadgeCredential in the W3C VC Data Model 2.0) for a module certificate or the
 * full CPT, and the claims of its VC-JWT (OB 3.0 §8.2: the payload is the credential plus iss, jti, sub, nbf, exp).
 * Pure: URLs, dates and names come in as arguments. docs/credentials.md explains every choice.
 */
import { MODULE_CODES, type ModuleCode } from '../../../../../shared/vocabulary.ts';
import { MODULE_TITLES } from '../../scoring/domain/credentials.ts';
import { statusPosition } from './status-list.ts';

export const VC_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OB_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
export const OB_SCHEMA_URL = 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json';
export const PROGRAM_NAME = 'Certified Production Technician (CPT 4.0)';
export const ISSUER_NAME = 'CPT Certification Program';

/** An achievement is a module certificate (by module code) or the full CPT. */
export type AchievementCode = ModuleCode | 'CPT';
export const ACHIEVEMENT_CODES: readonly AchievementCode[] = [...MODULE_CODES, 'CPT'];

export function isAchievementCode(s: string): s is AchievementCode {
  return (ACHIEVEMENT_CODES as readonly string[]).includes(s);
}

export function achievementName(code: AchievementCode): string {
  return code === 'CPT' ? 'Certified Production Technician (CPT)' : `CPT Module Certificate: ${MODULE_TITLES[code]}`;
}

export interface IssuerUrls {
  /** config.publicUrl: absolute, no trailing slash. */
  publicUrl: string;
}

export const urls = {
  issuer: (u: IssuerUrls) => `${u.publicUrl}/api/ob/issuer`,
  achievement: (u: IssuerUrls, code: AchievementCode) => `${u.publicUrl}/api/ob/achievements/${code}`,
  image: (u: IssuerUrls, code: AchievementCode) => `${u.publicUrl}/api/ob/achievements/${code}/image.svg`,
  statusList: (u: IssuerUrls, list: number) => `${u.publicUrl}/api/ob/status/${list}`,
  key: (u: IssuerUrls, kid: string) => `${u.publicUrl}/api/ob/keys/${kid}`,
  jwks: (u: IssuerUrls) => `${u.publicUrl}/.well-known/jwks.json`,
  verifyPage: (u: IssuerUrls, code: string) => `${u.publicUrl}/verify/${code}`,
  kwaDocument: (u: IssuerUrls, code: AchievementCode) => `${u.publicUrl}/api/ob/achievements/${code}/key-work-activities.pdf`,
};

export function issuerProfile(u: IssuerUrls) {
  return {
    '@context': [VC_CONTEXT, OB_CONTEXT],
    id: urls.issuer(u),
    type: ['Profile'],
    name: ISSUER_NAME,
    url: u.publicUrl,
    description: `Issues the module certificates and the full credential of the ${PROGRAM_NAME} program. Verify any credential at ${u.publicUrl}/verify.`,
  };
}

export function criteriaNarrative(code: AchievementCode, requiredModules: readonly ModuleCode[], windowYears: number): string {
  if (code === 'CPT') {
    return `Pass each of the ${requiredModules.length} required CPT module exams (${requiredModules.map((m) => MODULE_TITLES[m]).join('; ')}) within ${windowYears} years, each at or above its cut score, in proctored sessions at an authorized test center.`;
  }
  return `Pass the proctored CPT 4.0 ${MODULE_TITLES[code]} module exam at or above its cut score at an authorized test center.`;
}

export interface KwaRef {
  code: string;
  title: string;
}

/** What the badge says about its achievement beyond the code: the criteria, and the KWAs it covers. */
export interface AchievementText {
  narrative: string;
  kwas: KwaRef[];
}

export function achievement(u: IssuerUrls, code: AchievementCode, text: AchievementText) {
  return {
    id: urls.achievement(u, code),
    type: ['Achievement'],
    achievementType: code === 'CPT' ? 'Certification' : 'Certificate',
    name: achievementName(code),
    description:
      code === 'CPT'
        ? `The full ${PROGRAM_NAME} credential: the holder passed the four required module exams within the program's window.`
        : `The holder passed the ${MODULE_TITLES[code]} module exam of the ${PROGRAM_NAME} program.`,
    criteria: { id: `${urls.achievement(u, code)}#criteria`, narrative: text.narrative },
    image: { id: urls.image(u, code), type: 'Image', caption: achievementName(code) },
    humanCode: code === 'CPT' ? 'CPT' : `CPT-${code}`,
    inLanguage: 'en',
    // The Key Work Activities the credential covers, each linked to the KWA document an employer can open.
    alignment: text.kwas.map((k) => ({
      type: ['Alignment'],
      targetCode: k.code,
      targetName: k.title,
      targetFramework: 'CPT 4.0 Key Work Activities',
      targetUrl: `${urls.kwaDocument(u, code)}#${k.code}`,
    })),
  };
}

export interface BadgeFacts {
  credentialId: string;
  candidateId: string;
  holderName: string;
  kind: 'module' | 'full-cpt';
  module: ModuleCode | null;
  verificationCode: string;
  issuedAt: Date;
  expiresAt: Date;
  statusSeq: number;
}

/** Whole seconds: a JWT NumericDate and the credential's date must be the same instant. */
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
const isoSeconds = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');

export function achievementCodeOf(f: Pick<BadgeFacts, 'kind' | 'module'>): AchievementCode {
  if (f.kind === 'full-cpt') return 'CPT';
  if (!f.module) throw new Error('a module credential without a module');
  return f.module;
}

/** The unsigned OpenBadgeCredential. */
export function openBadgeCredential(u: IssuerUrls, f: BadgeFacts, text: AchievementText) {
  const code = achievementCodeOf(f);
  const status = statusPosition(f.statusSeq);
  const listUrl = urls.statusList(u, status.list);
  return {
    '@context': [VC_CONTEXT, OB_CONTEXT],
    id: `urn:uuid:${f.credentialId}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: achievementName(code),
    description: `Verification code ${f.verificationCode}. Check its current status at ${urls.verifyPage(u, f.verificationCode)}.`,
    issuer: { id: urls.issuer(u), type: ['Profile'], name: ISSUER_NAME, url: u.publicUrl },
    validFrom: isoSeconds(seconds(f.issuedAt)),
    validUntil: isoSeconds(seconds(f.expiresAt)),
    awardedDate: isoSeconds(seconds(f.issuedAt)),
    credentialSubject: {
      id: `urn:uuid:${f.candidateId}`,
      type: ['AchievementSubject'],
      // The holder's name in plain text, so an employer can match the credential to the person presenting it.
      identifier: [{ type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: f.holderName }],
      achievement: achievement(u, code, text),
    },
    credentialStatus: {
      id: `${listUrl}#${status.index}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(status.index),
      statusListCredential: listUrl,
    },
    credentialSchema: [{ id: OB_SCHEMA_URL, type: '1EdTechJsonSchemaValidator2019' }],
  };
}

export type OpenBadgeCredential = ReturnType<typeof openBadgeCredential>;

/** The VC-JWT payload: the credential with its registered claims. */
export function jwtPayload(c: OpenBadgeCredential) {
  return {
    ...c,
    iss: c.issuer.id,
    jti: c.id,
    sub: c.credentialSubject.id,
    nbf: Date.parse(c.validFrom) / 1000,
    exp: Date.parse(c.validUntil) / 1000,
  };
}

/** The status list credential (BitstringStatusListCredential) for one list, valid from `at`. */
export function statusListCredential(u: IssuerUrls, list: number, encodedList: string, at: Date) {
  const id = urls.statusList(u, list);
  const validFrom = isoSeconds(seconds(at));
  return {
    '@context': [VC_CONTEXT],
    id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: urls.issuer(u),
    validFrom,
    credentialSubject: { id: `${id}#list`, type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList },
    iss: urls.issuer(u),
    jti: id,
    sub: `${id}#list`,
    nbf: seconds(at),
  };
}

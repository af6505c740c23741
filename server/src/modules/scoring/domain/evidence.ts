/**
 * What a recertification evidence file is, read from its first bytes (never from its name or the type a browser
 * claims): PDF, PNG or JPEG, the only kinds accepted and served back.
 */
import { sniffFileType, type SniffedType } from '../../../../../shared/file-signature.ts';

export type EvidenceType = SniffedType;

export const sniffEvidence = (bytes: Uint8Array): EvidenceType | null => sniffFileType(bytes);

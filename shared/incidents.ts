/**
 * Incidents as a record (#17.8): what kinds there are, the categories and severities a proctor files them under, and
 * the category and severity the system gives the ones it records by itself (signals, disconnects, proctor actions).
 * Shared by the server (the database enums, the CSV and the irregularity report) and the console (labels).
 */

export const INCIDENT_KINDS = [
  'focus-lost',
  'page-hidden',
  'fullscreen-exit',
  'second-connection',
  'long-disconnect',
  'auto-pause',
  'proctor-note',
  'raise-hand',
  'hand-answered',
  'proctor-message',
  // Proctor actions and connection events, so the incident list and its export hold everything (#17.8).
  'disconnected',
  'paused',
  'resumed',
  'extended',
  'extension-requested',
  'extension-approved',
  'extension-declined',
  'terminated',
  'reopened',
  // The seat camera (#17.11): it failed (permission denied, no device) or the candidate declined it.
  'camera-failed',
  'camera-declined',
  // A proctor reopened the candidate's camera decision: the exam page asks the consent question again.
  'camera-reopened',
  // Breaks (#17.10): a candidate's or proctor's break began, and it ended (resume or sweep).
  'break-started',
  'break-ended',
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/**
 * The categories of the certification body's irregularity reports, plus `administrative` for the proctor's routine
 * actions (pause, extend, messages) that are on the record but are no irregularity.
 */
export const INCIDENT_CATEGORIES = ['identity', 'prohibited-item', 'communication', 'technical', 'disturbance', 'other', 'administrative'] as const;
export type IncidentCategory = (typeof INCIDENT_CATEGORIES)[number];
/** What a proctor may choose (administrative is the system's own). */
export const PROCTOR_INCIDENT_CATEGORIES = ['identity', 'prohibited-item', 'communication', 'technical', 'disturbance', 'other'] as const satisfies readonly IncidentCategory[];
export type ProctorIncidentCategory = (typeof PROCTOR_INCIDENT_CATEGORIES)[number];

export const INCIDENT_SEVERITIES = ['low', 'medium', 'high'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

export const INCIDENT_CATEGORY_TEXT: Record<IncidentCategory, string> = {
  identity: 'Identity',
  'prohibited-item': 'Prohibited item',
  communication: 'Communication',
  technical: 'Technical',
  disturbance: 'Disturbance',
  other: 'Other',
  administrative: 'Administrative',
};

export const INCIDENT_KIND_TEXT: Record<IncidentKind, string> = {
  'focus-lost': 'Focus lost',
  'page-hidden': 'Page hidden',
  'fullscreen-exit': 'Left full screen',
  'second-connection': 'Second connection',
  'long-disconnect': 'Long disconnect',
  'auto-pause': 'Paused after a disconnect',
  'proctor-note': 'Proctor note',
  'raise-hand': 'Hand raised',
  'hand-answered': 'Hand answered',
  'proctor-message': 'Message sent',
  disconnected: 'Disconnected',
  paused: 'Paused',
  resumed: 'Resumed',
  extended: 'Time extended',
  'extension-requested': 'Extension requested',
  'extension-approved': 'Extension approved',
  'extension-declined': 'Extension declined',
  terminated: 'Terminated',
  reopened: 'Reopened',
  'camera-failed': 'Camera not working',
  'camera-declined': 'Camera declined',
  'camera-reopened': 'Camera decision reopened',
  'break-started': 'Break started',
  'break-ended': 'Break ended',
};

/**
 * The category and severity of an incident the system records by itself. A focus loss or a second connection may be
 * an integrity matter (other / identity); a disconnect is technical; the proctor's routine actions are administrative.
 * A proctor's note and a termination carry the category the proctor chose; these are their defaults.
 */
export function defaultClassification(kind: IncidentKind): { category: IncidentCategory; severity: IncidentSeverity } {
  switch (kind) {
    case 'focus-lost':
    case 'page-hidden':
    case 'fullscreen-exit':
      return { category: 'other', severity: 'low' };
    case 'second-connection':
      return { category: 'identity', severity: 'medium' };
    case 'long-disconnect':
    case 'auto-pause':
      return { category: 'technical', severity: 'medium' };
    case 'disconnected':
    case 'camera-failed':
      return { category: 'technical', severity: 'low' };
    case 'camera-declined':
      return { category: 'other', severity: 'low' };
    case 'proctor-note':
      return { category: 'other', severity: 'low' };
    case 'terminated':
      return { category: 'other', severity: 'high' };
    case 'reopened':
    case 'extension-requested':
    case 'extension-approved':
    case 'extension-declined':
      return { category: 'administrative', severity: 'medium' };
    case 'raise-hand':
    case 'hand-answered':
    case 'proctor-message':
    case 'paused':
    case 'resumed':
    case 'extended':
    case 'break-started':
    case 'break-ended':
    case 'camera-reopened':
      return { category: 'administrative', severity: 'low' };
  }
}

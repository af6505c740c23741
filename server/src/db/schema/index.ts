export * from './accounts.ts';
export * from './audit.ts';
export * from './forms.ts';
export * from './item-bank.ts';
export * from './sessions.ts';
export * from './scoring.ts';
export * from './proctoring.ts';
export * from './credentials.ts';

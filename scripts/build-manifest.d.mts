// Types for scripts/build-manifest.mjs.
export type Part = 'server' | 'client';
export const ROOT: string;
export const DIST: string;
export const MANIFEST: string;
export const PARTS: Record<Part, { inputs: string[]; output: string }>;
export function hashPart(part: Part): string | null;
export function readManifest(): Partial<Record<Part, string>>;
export function writeManifest(manifest: Partial<Record<Part, string>>): void;
export function isFresh(part: Part, manifest?: Partial<Record<Part, string>>): boolean;

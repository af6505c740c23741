// Types for scripts/build.mjs (tests import it).
export function buildServer(): Promise<void>;
export function buildClient(): void;
export function precompress(dir: string): number;
export function buildStale(options?: { force?: boolean; parts?: ('server' | 'client')[]; log?: (line: string) => void }): Promise<string[]>;

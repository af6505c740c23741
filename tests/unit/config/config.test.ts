import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../server/src/config/env.ts';

describe('parseConfig', () => {
  it('defaults to port 3000 and the embedded database in ./data', () => {
    const c = parseConfig({});
    expect(c.port).toBe(3000);
    expect(c.database).toMatchObject({ kind: 'pglite' });
    expect(c.database.kind === 'pglite' && c.database.dataDir).toMatch(/data$/);
    expect(c.demoAccounts).toBe(true);
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    expect(parseConfig({ DATABASE_URL: 'postgres://root@127.0.0.1:5432/test' }).database).toEqual({ kind: 'postgres', url: 'postgres://root@127.0.0.1:5432/test' });
  });

  it('names every bad variable and its value', () => {
    try {
      parseConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      expect(msg).toMatch(/PORT: must be a port number \(got "eighty"\)/);
      expect(msg).toMatch(/LOG_LEVEL: must be one of/);
      expect(msg).toMatch(/DATABASE_URL: must be a postgres:\/\/ URL/);
    }
  });

  it('parses the session policy settings', () => {
    const c = parseConfig({ DISCONNECT_PAUSE_AFTER_SECONDS: '45', TIME_WARNING_MINUTES: '5,15,10' });
    expect(c.sessions).toEqual({ disconnectPauseAfterMs: 45_000, disconnectCreditCapMs: 600_000, disconnectResume: 'auto', liveness: { pingMs: 5000, timeoutMs: 12_000 }, warningMinutes: [15, 10, 5], extensionCapMs: 30 * 60_000 });
    expect(parseConfig({ EXTENSION_CAP_MINUTES: '45' }).sessions.extensionCapMs).toBe(45 * 60_000);
    expect(() => parseConfig({ EXTENSION_CAP_MINUTES: '7.5' })).toThrow(/EXTENSION_CAP_MINUTES: must be whole minutes/);
    expect(parseConfig({ DISCONNECT_CREDIT_CAP_MINUTES: '2.5', DISCONNECT_RESUME: 'proctor', LIVENESS_PING_SECONDS: '2', LIVENESS_TIMEOUT_SECONDS: '5' }).sessions).toMatchObject({ disconnectCreditCapMs: 150_000, disconnectResume: 'proctor', liveness: { pingMs: 2000, timeoutMs: 5000 } });
    expect(() => parseConfig({ DISCONNECT_RESUME: 'never' })).toThrow(/DISCONNECT_RESUME: must be auto or proctor/);
    expect(() => parseConfig({ LIVENESS_PING_SECONDS: '10', LIVENESS_TIMEOUT_SECONDS: '10' })).toThrow(/LIVENESS_TIMEOUT_SECONDS: must be longer than LIVENESS_PING_SECONDS \(10\)/);
    expect(() => parseConfig({ TIME_WARNING_MINUTES: 'soon' })).toThrow(/TIME_WARNING_MINUTES: must be whole minutes separated by commas/);
    expect(() => parseConfig({ DISCONNECT_PAUSE_AFTER_SECONDS: '1' })).toThrow(/DISCONNECT_PAUSE_AFTER_SECONDS: must be at least 5/);
  });

  it('parses how often sockets re-check their sign-in', () => {
    expect(parseConfig({}).tokenCheckMs).toBe(5000);
    expect(parseConfig({ TOKEN_CHECK_SECONDS: '1' }).tokenCheckMs).toBe(1000);
    expect(() => parseConfig({ TOKEN_CHECK_SECONDS: '0.1' })).toThrow(/TOKEN_CHECK_SECONDS: must be at least 0.5/);
  });

  it('parses the listen backlog, the accept listeners and the start gate (#18), with defaults, and names bad values', () => {
    expect(parseConfig({})).toMatchObject({ listenBacklog: 16_384, acceptListeners: 16, startGate: { maxConcurrency: 16, targetLoopDelayMs: 50 } });
    expect(parseConfig({ LISTEN_BACKLOG: '65535', START_GATE_CONCURRENCY: '1', START_GATE_LOOP_DELAY_MS: '20' })).toMatchObject({ listenBacklog: 65535, startGate: { maxConcurrency: 1, targetLoopDelayMs: 20 } });
    expect(() => parseConfig({ START_GATE_CONCURRENCY: '0' })).toThrow(/START_GATE_CONCURRENCY: must be at least 1/);
    expect(() => parseConfig({ LISTEN_BACKLOG: '100' })).toThrow(/LISTEN_BACKLOG: must be at least 511/);
    expect(parseConfig({ ACCEPT_LISTENERS: '1' }).acceptListeners).toBe(1);
    expect(() => parseConfig({ ACCEPT_LISTENERS: '0' })).toThrow(/ACCEPT_LISTENERS: must be at least 1/);
    expect(() => parseConfig({ ACCEPT_LISTENERS: 'many' })).toThrow(/ACCEPT_LISTENERS: must be a number of listeners/);
  });

  it('refuses to start in production without a token secret', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(/TOKEN_SECRET: must be set in production/);
    expect(parseConfig({ NODE_ENV: 'production', TOKEN_SECRET: 'x'.repeat(40), PUBLIC_URL: 'https://exams.example.org', OB_SIGNING_KEY_FILE: '/run/secrets/ob.pem' }).demoAccounts).toBe(false);
  });

  it('builds links from PUBLIC_URL, required in production with a signing key', () => {
    const prod = { NODE_ENV: 'production', TOKEN_SECRET: 'x'.repeat(40) };
    expect(() => parseConfig({ ...prod, OB_SIGNING_KEY_FILE: '/k.pem' })).toThrow(/PUBLIC_URL: must be set in production/);
    expect(() => parseConfig({ ...prod, PUBLIC_URL: 'https://exams.example.org' })).toThrow(/OB_SIGNING_KEY_FILE: must be set in production/);
    expect(() => parseConfig({ PUBLIC_URL: 'https://exams.example.org/' })).toThrow(/PUBLIC_URL: must be an absolute http\(s\) URL without a trailing slash/);
    expect(() => parseConfig({ PUBLIC_URL: 'exams.example.org' })).toThrow(/PUBLIC_URL/);
    expect(parseConfig({ PUBLIC_URL: 'https://example.org/cpt' }).publicUrl).toBe('https://example.org/cpt');
    expect(parseConfig({ PORT: '4100' }).publicUrl).toBe('http://127.0.0.1:4100');
    expect(parseConfig({ HOST: '0.0.0.0' }).publicUrl).toBe('http://127.0.0.1:3000');
    expect(parseConfig({ DATA_DIR: ':memory:' }).signingKey).toEqual({ kind: 'generated', dir: null });
    expect(parseConfig({ OB_SIGNING_KEY_FILE: 'k.pem' }).signingKey).toMatchObject({ kind: 'file' });
  });
});

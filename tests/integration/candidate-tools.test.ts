/**
 * #17.3: the calculator a session offers follows its module's blueprint (basic when the blueprint says nothing,
 * scientific or none when it says so), and only the session's candidate and its test center's staff may ask.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.ts';
import { importSampleModule, newCandidate, scheduleSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

function safetyWith(version: string, calculator: unknown) {
  const bank = JSON.parse(readFileSync('item-bank/safety.json', 'utf8'));
  bank.blueprints = bank.blueprints.map((b: Record<string, unknown>) => ({ ...b, version, calculator }));
  return { name: `safety-${version}.json`, text: JSON.stringify(bank, null, 2) };
}

describe.each(DB_KINDS)('candidate tools per blueprint on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(kind, { sweeps: false });
    await importSampleModule(t.services);
  });
  afterAll(() => t?.close());

  it('offers the basic calculator by default and what a newer blueprint says after it; refuses strangers', async () => {
    const s = await scheduleSession(t.app);
    const tools = await t.app.inject({ url: `/api/sessions/${s.sessionId}/tools`, headers: s.candidate });
    expect(tools.statusCode).toBe(200);
    expect(tools.json()).toEqual({ calculator: 'basic' });
    expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}/tools`, headers: s.proctor })).json()).toEqual({ calculator: 'basic' });

    const stranger = await newCandidate(t.app);
    expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}/tools`, headers: stranger.auth })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}/tools` })).statusCode).toBe(401);

    await t.services.itemBank.importSources(null, [safetyWith('2026.2', 'scientific')]);
    expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}/tools`, headers: s.candidate })).json()).toEqual({ calculator: 'scientific' });
  });

  it('refuses a blueprint with an unknown calculator, naming the field and the choices', async () => {
    const err = await t.services.itemBank.importSources(null, [safetyWith('2026.3', 'abacus')]).catch((e: unknown) => e);
    expect(JSON.stringify(err)).toMatch(/calculator must be one of none, basic, scientific/);
  });
});

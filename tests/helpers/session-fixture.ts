/** Gets a demo candidate into a running exam through the real API, the way a testing center does it. */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { HANDBOOK_VERSION } from '../../shared/handbook.ts';
import type { Services } from '../../server/src/compose.ts';
import { loginAs } from './build-app.ts';

export async function importSampleModule(services: Services, file = 'item-bank/safety.json') {
  await services.itemBank.importSources(null, [{ name: file, text: readFileSync(file, 'utf8') }]);
}

export async function scheduleSession(app: FastifyInstance, opts: { module?: string; candidate?: string; timeMultiplier?: number } = {}) {
  const admin = await loginAs(app, 'admin');
  const proctor = await loginAs(app, 'proctor');
  const candidate = await loginAs(app, opts.candidate ?? 'candidate');
  const users = (await app.inject({ url: '/api/admin/users?role=candidate', headers: admin })).json() as { id: string; username: string }[];
  const candidateId = users.find((u) => u.username === (opts.candidate ?? 'candidate'))!.id;
  const centers = (await app.inject({ url: '/api/test-centers', headers: proctor })).json() as { id: string }[];
  const res = await app.inject({
    method: 'POST',
    url: '/api/sessions',
    headers: proctor,
    payload: { candidateId, module: opts.module ?? 'SAF', testCenterId: centers[0]!.id, scheduledAt: new Date().toISOString(), timeMultiplier: opts.timeMultiplier ?? 1 },
  });
  if (res.statusCode !== 201) throw new Error(`schedule failed: ${res.body}`);
  return { sessionId: res.json().id as string, candidate, proctor, admin, candidateId, testCenterId: centers[0]!.id };
}

export async function startedSession(app: FastifyInstance, opts: Parameters<typeof scheduleSession>[1] = {}) {
  const s = await scheduleSession(app, opts);
  const step = async (url: string, headers: { cookie: string }, payload?: unknown) => {
    const r = await app.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) });
    if (r.statusCode !== 200) throw new Error(`${url} failed: ${r.statusCode} ${r.body}`);
  };
  await step(`/api/sessions/${s.sessionId}/check-in`, s.candidate);
  await step(`/api/sessions/${s.sessionId}/admit`, s.proctor, { idConfirmed: true });
  await step(`/api/sessions/${s.sessionId}/handbook`, s.candidate, { version: HANDBOOK_VERSION });
  await step(`/api/sessions/${s.sessionId}/start`, s.candidate);
  return s;
}

import { describe, expect, it } from 'vitest';
import { SESSION_STATES } from '../../../shared/protocol/session-protocol.ts';
import { admitSession, admitWrite } from '../../../server/src/modules/sessions/domain/write-admission.ts';

const NOW = new Date('2026-11-22T09:00:00Z');
const at = (ms: number) => new Date(NOW.getTime() + ms);
const running = { state: 'in_progress' as const, formId: 'f', deadlineAt: at(60_000) };

describe('write admission', () => {
  it('takes writes only while in progress, up to the in-flight grace past the deadline', () => {
    expect(admitSession(running, NOW, 2000)).toEqual({ ok: true });
    expect(admitSession({ ...running, deadlineAt: at(-2000) }, NOW, 2000)).toEqual({ ok: true });
    expect(admitSession({ ...running, deadlineAt: at(-2001) }, NOW, 2000)).toMatchObject({ ok: false, code: 'SESSION_ENDED' });
  });

  it('names why a write is refused in every other state', () => {
    const codes = Object.fromEntries(SESSION_STATES.map((state) => [state, (admitSession({ ...running, state }, NOW, 2000) as { code?: string }).code ?? 'ok']));
    expect(codes).toEqual({ scheduled: 'SESSION_NOT_STARTED', checked_in: 'SESSION_NOT_STARTED', in_progress: 'ok', paused: 'SESSION_PAUSED', submitted: 'SESSION_ENDED', expired: 'SESSION_ENDED', terminated: 'SESSION_ENDED', scored: 'SESSION_ENDED' });
    expect(admitSession(undefined, NOW, 2000)).toMatchObject({ code: 'SESSION_NOT_STARTED' });
    expect(admitSession({ ...running, formId: null }, NOW, 2000)).toMatchObject({ code: 'SESSION_NOT_STARTED' });
  });

  it('checks the question and the option against the form', () => {
    const options = (id: string) => (id === 'q1' ? new Set(['a', 'b']) : undefined);
    expect(admitWrite({ kind: 'answer', sessionId: 's', seq: 1, itemId: 'q1', optionId: 'a' }, options)).toEqual({ ok: true });
    expect(admitWrite({ kind: 'answer', sessionId: 's', seq: 1, itemId: 'q1', optionId: null }, options)).toEqual({ ok: true });
    expect(admitWrite({ kind: 'answer', sessionId: 's', seq: 1, itemId: 'q1', optionId: 'z' }, options)).toEqual({ ok: false, code: 'OPTION_NOT_ON_ITEM', message: 'Option z is not an option of this question' });
    expect(admitWrite({ kind: 'flag', sessionId: 's', seq: 1, itemId: 'q9', flagged: true }, options)).toEqual({ ok: false, code: 'ITEM_NOT_ON_FORM', message: 'Question q9 is not on this exam' });
    expect(admitWrite({ kind: 'visit', sessionId: 's', seq: 1, itemId: 'q1' }, options)).toEqual({ ok: true });
  });
});

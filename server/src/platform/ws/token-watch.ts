/**
 * Ends websockets whose sign-in ended (#14.5). Every socket opened with a token is registered here with the actor it
 * authenticated as. A revocation published by the auth service on the cross-instance bus ({t:'auth',kind:'revoked',
 * userId,tokenId}; tokenId null = all of the user's tokens) closes the matching sockets on every instance at once; a
 * periodic check closes sockets whose token reached its end (absolute lifetime, candidate TTL), went idle (staff), or
 * disappeared without an event reaching this instance (the bus was down). Closing is the owner's job: the watch calls
 * the `end` callback it was given, which closes with CLOSE.signedOut (4005).
 */
import type { Actor } from '../actor.ts';
import { isStaff } from '../authz.ts';
import type { Clock } from '../clock.ts';
import type { BusEvent, EventBus } from '../event-bus.ts';

/** How often open sockets' tokens are checked against the sessions table (expiry and idle; revocations are pushed). */
export const TOKEN_CHECK_MS = 5000;
const TOUCH_IN_USE_MS = 60_000;

interface Watched {
  actor: Actor;
  end: () => void;
}

export function createTokenWatch(deps: {
  bus: EventBus;
  clock: Clock;
  /** Of these tokens, the ones whose sign-in has ended (only those come back: nearly all are fine). */
  endedTokenIds: (tokens: ReadonlyArray<{ tokenId: string; staff: boolean }>) => Promise<Set<string>>;
  /** Marks a token as in use now (the staff idle timeout counts from its last use). */
  touch?: (tokenId: string) => Promise<void>;
  checkEveryMs?: number;
  log?: (msg: string, err?: unknown) => void;
}) {
  const watched = new Set<Watched>();
  const log = deps.log ?? (() => {});
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void)[] = [];
  let checking = false;
  const touchedAt = new Map<string, number>();
  /** Open sockets per token: a socket's close forgets its token's last touch once none is left (O(1) per close). */
  const socketsOfToken = new Map<string, number>();

  const end = (w: Watched) => {
    if (!watched.delete(w)) return;
    try {
      w.end();
    } catch (e) {
      log('closing a signed-out socket failed', e);
    }
  };

  function onRevoked(e: BusEvent) {
    if (e.kind !== 'revoked' || typeof e.userId !== 'string') return;
    for (const w of [...watched]) if (w.actor.userId === e.userId && (e.tokenId === null || e.tokenId === w.actor.tokenId)) end(w);
  }

  async function check() {
    const now = deps.clock.now().getTime();
    const withToken: Watched[] = [];
    for (const w of [...watched]) {
      if (w.actor.tokenExpiresAt && w.actor.tokenExpiresAt.getTime() <= now) end(w);
      else if (w.actor.tokenId) withToken.push(w);
    }
    if (!withToken.length) return;
    const tokens = new Map(withToken.map((w) => [w.actor.tokenId!, isStaff(w.actor.role)]));
    const ended = await deps.endedTokenIds([...tokens].map(([tokenId, staff]) => ({ tokenId, staff })));
    if (ended.size) for (const w of withToken) if (ended.has(w.actor.tokenId!)) end(w);
  }

  const checkNow = () => {
    if (checking) return;
    checking = true;
    void check()
      .catch((e) => log('token check failed', e))
      .finally(() => (checking = false));
  };

  return {
    /** Watches a socket opened as `actor`; returns the function to call when the socket closes on its own. */
    register(actor: Actor, onEnd: () => void): () => void {
      const w: Watched = { actor, end: onEnd };
      watched.add(w);
      const tokenId = actor.tokenId;
      if (tokenId) socketsOfToken.set(tokenId, (socketsOfToken.get(tokenId) ?? 0) + 1);
      let registered = true;
      return () => {
        watched.delete(w);
        if (!registered || !tokenId) return;
        registered = false;
        const left = (socketsOfToken.get(tokenId) ?? 1) - 1;
        if (left > 0) socketsOfToken.set(tokenId, left);
        else {
          socketsOfToken.delete(tokenId);
          touchedAt.delete(tokenId);
        }
      };
    },
    start() {
      unsubscribe = [deps.bus.on('auth', onRevoked), deps.bus.on('bus', (e) => e.kind === 'resync' && checkNow())];
      timer = setInterval(checkNow, deps.checkEveryMs ?? TOKEN_CHECK_MS);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      for (const u of unsubscribe) u();
      unsubscribe = [];
      watched.clear();
      touchedAt.clear();
      socketsOfToken.clear();
    },
    /**
     * An open proctor console is in use, not idle: its feed's keep-alive pings count as activity for the staff idle
     * timeout (written at most once a minute per token), so a proctor watching a 90-minute exam without clicking is not
     * signed out mid-session. The absolute lifetime still applies; a closed console goes idle as before.
     */
    inUse(actor: Actor) {
      const tokenId = actor.tokenId;
      if (!tokenId || !deps.touch) return;
      const now = deps.clock.now().getTime();
      if (now - (touchedAt.get(tokenId) ?? -Infinity) < TOUCH_IN_USE_MS) return;
      touchedAt.set(tokenId, now);
      void deps.touch(tokenId).catch((e) => log('marking a console in use failed', e));
    },
    /** Runs the expiry check now (tests with a fake clock; the timer does it otherwise). */
    check,
    size: () => watched.size,
  };
}
export type TokenWatch = ReturnType<typeof createTokenWatch>;

/**
 * The item lifecycle: draft → in-review → approved → pretest / operational → retired. Pure rules: who may move an item
 * from one status to another, and what an author's import may do. Admins (and the operator's CLI) are trusted with
 * any move; their imports go straight to the file's status, audited.
 */
import type { ItemStatus } from '../../../../../shared/vocabulary.ts';

export type ReviewAction = 'submit' | 'comment' | 'approve' | 'request-changes' | 'activate' | 'retire';

export interface LifecycleMove {
  action: ReviewAction;
  from: ItemStatus;
  /** For activate: pretest or operational. */
  to?: ItemStatus;
  actor: { id: string; role: string };
  /** Who wrote the item's current version (null: the CLI or first-start loading). */
  versionAuthor: string | null;
  comment: string | null;
}

/** A refusal: `forbidden` (this person may not), `invalid` (the request lacks something), else the item's state forbids it. */
export type LifecycleVerdict = { ok: true; to: ItemStatus } | { ok: false; reason: string; kind: 'forbidden' | 'invalid' | 'state' };

const no = (reason: string, kind: 'forbidden' | 'invalid' | 'state' = 'state'): LifecycleVerdict => ({ ok: false, reason, kind });

export function lifecycleMove(m: LifecycleMove): LifecycleVerdict {
  // The practice pool is separate for good (docs/practice.md): it takes comments, no lifecycle moves.
  if (m.from === 'practice' && m.action !== 'comment') return no('a practice item stays in the practice pool; it has no review lifecycle');
  switch (m.action) {
    case 'submit':
      return m.from === 'draft' ? { ok: true, to: 'in-review' } : no(`only a draft can be submitted for review; this item is ${m.from}`);
    case 'comment':
      if (!m.comment) return no('a comment needs text (comment)', 'invalid');
      return m.from === 'retired' ? no('a retired item takes no more comments') : { ok: true, to: m.from };
    case 'approve':
      if (m.from !== 'in-review') return no(`only an item in review can be approved; this item is ${m.from}`);
      if (m.versionAuthor !== null && m.versionAuthor === m.actor.id) return no('you wrote this version of the item; a second person must approve it', 'forbidden');
      return { ok: true, to: 'approved' };
    case 'request-changes':
      if (m.from !== 'in-review') return no(`only an item in review can be sent back; this item is ${m.from}`);
      if (!m.comment) return no('say what should change (comment)', 'invalid');
      return { ok: true, to: 'draft' };
    case 'activate':
      if (m.to !== 'pretest' && m.to !== 'operational') return no('an item is activated as pretest or operational (to)', 'invalid');
      if (m.from === 'approved' || (m.from === 'pretest' && m.to === 'operational')) return { ok: true, to: m.to };
      return no(`a ${m.from} item cannot become ${m.to}; it must be approved first (or be a pretest item becoming operational)`);
    case 'retire':
      return m.from === 'retired' ? no('the item is already retired') : { ok: true, to: 'retired' };
  }
}

/**
 * What an author's import or edit may do to an item's status. New items and new content versions land as drafts (they
 * need review); an author may retire an item or promote a pretest item to operational, nothing else.
 */
export function authorImportStatus(change: 'new' | 'changed' | 'status-changed' | 'retired' | 'unchanged', current: ItemStatus | null, requested: ItemStatus): { status: ItemStatus } | { problem: string } {
  if (requested === 'practice' || current === 'practice') return { status: requested }; // the practice pool's own rules apply
  if (change === 'new' || change === 'changed') return { status: requested === 'retired' ? 'retired' : 'draft' };
  if (change === 'status-changed' && current !== null && current !== requested) {
    if (requested === 'retired' || (current === 'pretest' && requested === 'operational')) return { status: requested };
    return { problem: `an author cannot move an item from ${current} to ${requested}; it goes through review (submit, a second person approves, then activate)` };
  }
  return { status: requested };
}

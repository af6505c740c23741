/**
 * The only place that turns a form into what a candidate's browser receives. It copies the stem and the option texts
 * in the candidate's recorded order, and nothing else: no key, no rationale, no statistics, no KWA, no item role
 * (a pretest item must look like any other). tests/unit/sessions/keys-stay-on-server.test.ts walks every message type.
 */
import type { ItemContent } from '../../../../../shared/item-bank-format.ts';
import type { CandidateItem } from '../../../../../shared/protocol/session-protocol.ts';

export interface FormItemWithContent {
  position: number;
  itemId: string;
  optionOrder: string[];
  content: Pick<ItemContent, 'stem' | 'options'>;
}

export function toCandidateItems(items: FormItemWithContent[]): CandidateItem[] {
  return items.map((it) => {
    const byId = new Map<string, string>(it.content.options.map((o) => [o.id, o.text]));
    return {
      itemId: it.itemId,
      position: it.position,
      stem: it.content.stem,
      options: it.optionOrder.map((id) => ({ id, text: byId.get(id) ?? '' })),
    };
  });
}

/** Review summary for the submit screen: unanswered and flagged items in form order. */
export function reviewSummary(itemIds: string[], answers: Map<string, string | null>, flags: Set<string>) {
  return {
    unanswered: itemIds.filter((id) => !answers.get(id)),
    flagged: itemIds.filter((id) => flags.has(id)),
    total: itemIds.length,
  };
}

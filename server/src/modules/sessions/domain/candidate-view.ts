/**
 * The only place that turns a form into what a candidate's browser receives. It copies the stem and the option texts
 * in the candidate's recorded order, and their images (hash and alt text), and nothing else: no key, no rationale, no statistics, no KWA, no item role
 * (a pretest item must look like any other). tests/unit/sessions/keys-stay-on-server.test.ts walks every message type.
 */
import type { ImageRef, ItemContent } from '../../../../../shared/item-bank-format.ts';
import type { CandidateImage, CandidateItem } from '../../../../../shared/protocol/session-protocol.ts';

export interface FormItemWithContent {
  position: number;
  itemId: string;
  optionOrder: string[];
  content: Pick<ItemContent, 'stem' | 'image' | 'options'>;
}

/** Stored images are `sha256:<hex>`; the browser gets the hash (its URL is under the session) and the alt text. */
const image = (ref: ImageRef | undefined): { image?: CandidateImage } => (ref ? { image: { sha256: ref.src.replace(/^sha256:/, ''), alt: ref.alt } } : {});

export function toCandidateItems(items: FormItemWithContent[]): CandidateItem[] {
  return items.map((it) => {
    const byId = new Map<string, (typeof it.content.options)[number]>(it.content.options.map((o) => [o.id, o]));
    return {
      itemId: it.itemId,
      position: it.position,
      stem: it.content.stem,
      ...image(it.content.image),
      options: it.optionOrder.map((id) => ({ id, text: byId.get(id)?.text ?? '', ...image(byId.get(id)?.image) })),
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

/**
 * The only place that turns a form into what a candidate's browser receives. It copies the stem and the option texts
 * in the candidate's recorded order, and their images (hash and alt text), and nothing else: no key, no rationale, no statistics, no KWA, no item role
 * (a pretest item must look like any other). tests/unit/sessions/keys-stay-on-server.test.ts walks every message type.
 *
 * Prepared once, reused as bytes (docs/decisions/0010-start-path-and-shared-form-bytes.md): an item version's
 * candidate-facing JSON is built once per process and shared by every form that carries it (items are shared across
 * linear-on-the-fly forms); a form keeps only references to those shared items, its positions and its option orders
 * (one byte per option). A snapshot's `items` is those fragments joined, never objects copied per session.
 */
import type { ImageRef, ItemContent } from '../../../../../shared/item-bank-format.ts';
import type { CandidateImage, CandidateItem } from '../../../../../shared/protocol/session-protocol.ts';

/** Stored images are `sha256:<hex>`; the browser gets the hash (its URL is under the session) and the alt text. */
const image = (ref: ImageRef | undefined): { image?: CandidateImage } => (ref ? { image: { sha256: ref.src.replace(/^sha256:/, ''), alt: ref.alt } } : {});

/** One item version as candidates see it, serialized once; immutable and shared by every form that carries it. */
export interface PreparedItem {
  readonly itemId: string;
  /** The option ids in the content's order (a form's order indexes into this). */
  readonly optionIds: readonly string[];
  /** The same ids as a set: which options an answer to this item may name (write admission). */
  readonly optionSet: ReadonlySet<string>;
  /** `{"itemId":…,"position":` */
  readonly head: string;
  /** `,"stem":…[,"image":…],"options":[` */
  readonly body: string;
  /** Each option's JSON object, in the content's order. */
  readonly optionJson: readonly string[];
}

export function prepareItem(itemId: string, content: Pick<ItemContent, 'stem' | 'image' | 'options'>): PreparedItem {
  const optionIds = content.options.map((o) => o.id);
  const stemAndImage = JSON.stringify({ stem: content.stem, ...image(content.image) });
  return Object.freeze({
    itemId,
    optionIds: Object.freeze(optionIds),
    optionSet: new Set(optionIds),
    head: `{"itemId":${JSON.stringify(itemId)},"position":`,
    body: `,${stemAndImage.slice(1, -1)},"options":[`,
    optionJson: Object.freeze(content.options.map((o) => JSON.stringify({ id: o.id, text: o.text, ...image(o.image) }))),
  });
}

/** A form as its candidate sees it: shared items in form order, their positions, and this form's option orders. */
export interface PreparedForm {
  readonly items: readonly PreparedItem[];
  readonly positions: Uint16Array;
  /** For item i, `orders[offsets[i] … offsets[i+1])` are indexes into `items[i].optionIds`, in the recorded order. */
  readonly orders: Uint8Array;
  readonly offsets: Uint16Array;
}

/** Builds a form from its rows (in position order) and the shared items; an option order naming an unknown option is a corrupt form. */
export function prepareForm(rows: readonly { position: number; optionOrder: readonly string[] }[], items: readonly PreparedItem[]): PreparedForm {
  const offsets = new Uint16Array(rows.length + 1);
  rows.forEach((r, i) => (offsets[i + 1] = offsets[i]! + r.optionOrder.length));
  const orders = new Uint8Array(offsets[rows.length]!);
  rows.forEach((r, i) =>
    r.optionOrder.forEach((id, k) => {
      const at = items[i]!.optionIds.indexOf(id);
      if (at < 0) throw new Error(`form item ${items[i]!.itemId} orders option ${id}, which its content does not have`);
      orders[offsets[i]! + k] = at;
    }),
  );
  return Object.freeze({ items: Object.freeze([...items]), positions: Uint16Array.from(rows.map((r) => r.position)), orders, offsets });
}

/** The form's candidate items as a JSON array, joined from the shared fragments (no object per item is built). */
export function candidateItemsJson(form: PreparedForm): string {
  let out = '[';
  for (let i = 0; i < form.items.length; i++) {
    const it = form.items[i]!;
    if (i) out += ',';
    out += it.head + form.positions[i] + it.body;
    for (let k = form.offsets[i]!; k < form.offsets[i + 1]!; k++) out += (k > form.offsets[i]! ? ',' : '') + it.optionJson[form.orders[k]!];
    out += ']}';
  }
  return out + ']';
}

/** The same items as objects (callers off the hot path, and tests). */
export const candidateItems = (form: PreparedForm): CandidateItem[] => JSON.parse(candidateItemsJson(form)) as CandidateItem[];

/** Items as candidates see them, straight from their contents (practice tests and reviews: built per request, not shared). */
export function toCandidateItems(items: readonly { position: number; itemId: string; optionOrder: readonly string[]; content: Pick<ItemContent, 'stem' | 'image' | 'options'> }[]): CandidateItem[] {
  return candidateItems(prepareForm(items, items.map((it) => prepareItem(it.itemId, it.content))));
}

/** The options an answer to an item of this form may name, or undefined when the item is not on the form. */
export function formOptions(form: PreparedForm, itemId: string): ReadonlySet<string> | undefined {
  for (const it of form.items) if (it.itemId === itemId) return it.optionSet;
  return undefined;
}

/** Review summary for the submit screen: unanswered and flagged items in form order. */
export function reviewSummary(itemIds: string[], answers: Map<string, string | null>, flags: Set<string>) {
  return {
    unanswered: itemIds.filter((id) => !answers.get(id)),
    flagged: itemIds.filter((id) => flags.has(id)),
    total: itemIds.length,
  };
}

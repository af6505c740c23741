import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { itemBankJsonSchema } from '../../../shared/item-bank-json-schema.ts';

describe('published JSON Schema', () => {
  it('docs/item-bank.schema.json matches the zod format (run npm run schema:json after changing it)', () => {
    expect(JSON.parse(readFileSync('docs/item-bank.schema.json', 'utf8'))).toEqual(JSON.parse(JSON.stringify(itemBankJsonSchema())));
  });
});

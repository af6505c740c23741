import { z } from 'zod';
import { bankFileSchema } from './item-bank-format.ts';

/** The item-bank file format as JSON Schema, for editors and other tools. */
export function itemBankJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(bankFileSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://cpt-exam.example/schemas/item-bank.schema.json',
    title: 'cpt-exam item bank file',
  };
}

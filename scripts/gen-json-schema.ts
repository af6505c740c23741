/** Writes docs/item-bank.schema.json from the zod format in shared/ (a test fails when it is out of date). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { itemBankJsonSchema } from '../shared/item-bank-json-schema.ts';

const out = path.resolve(import.meta.dirname, '../docs/item-bank.schema.json');
writeFileSync(out, JSON.stringify(itemBankJsonSchema(), null, 2) + '\n');
console.log(`wrote ${path.relative(process.cwd(), out)}`);

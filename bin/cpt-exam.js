#!/usr/bin/env node
// The cpt-exam command. TypeScript sources run through tsx, the same loader `npm start` uses.
import { register } from 'tsx/esm/api';

register();
await import('../server/src/cli/main.ts');

import { writeFileSync } from 'node:fs';
import { SCENARIO_SCHEMA } from './scenario-schema.js';

/* `npm run gen:schema`: writes schema/scenario.schema.json, the published JSON Schema of scenario files. */
writeFileSync(new URL('../../../schema/scenario.schema.json', import.meta.url), `${JSON.stringify(SCENARIO_SCHEMA, null, 2)}\n`);
console.log('wrote schema/scenario.schema.json');

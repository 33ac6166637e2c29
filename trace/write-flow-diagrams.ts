import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { exampleDiagrams } from './flow-diagrams.js';

/* `npm run gen:flows`: redraws docs/flows/*.svg from examples/. */
const root = fileURLToPath(new URL('../../', import.meta.url));
for (const [name, svg] of await exampleDiagrams(`${root}examples`)) {
  writeFileSync(`${root}docs/flows/${name}`, svg);
  console.log(`wrote docs/flows/${name}`);
}

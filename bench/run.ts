import { codecFigures } from './codec-bench.js';
import { lifecycleFigures } from './lifecycle-bench.js';
import { traceFigures } from './trace-bench.js';
import { bridgeFigures } from './bridge-bench.js';
import { tapiFigures } from './tapi-bench.js';
import { exploreFigures } from './explore-bench.js';

/*
 * `npm run bench`: one JSON line per figure, each against a baseline measured in the same
 * run, so a figure is a ratio that survives a noisy machine.
 */
for (const figure of codecFigures()) {
  console.log(JSON.stringify(figure));
}
for (const figure of await lifecycleFigures()) {
  console.log(JSON.stringify(figure));
}
for (const figure of await traceFigures()) {
  console.log(JSON.stringify(figure));
}
for (const figure of await bridgeFigures()) {
  console.log(JSON.stringify(figure));
}
for (const figure of await tapiFigures()) {
  console.log(JSON.stringify(figure));
}
for (const figure of exploreFigures()) {
  console.log(JSON.stringify(figure));
}

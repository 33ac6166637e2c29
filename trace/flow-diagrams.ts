import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { loadScenario } from '../sim/scenario/scenario-loader.js';
import { runScenario } from '../sim/scenario/scenario-runner.js';
import { readTrace } from './pcapng-reader.js';
import { sequenceDiagram } from './sequence-diagram.js';

/**
 * The sequence charts of the example scenarios, as checked in under docs/flows/: each example
 * run on the virtual clock with a trace, the trace drawn. Deterministic, so a test can compare.
 */
export async function exampleDiagrams(examplesDir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const dir = mkdtempSync(join(tmpdir(), 'wanemu-flows-'));
  try {
    for (const f of readdirSync(examplesDir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
      const scenario = loadScenario(join(examplesDir, f));
      // Load runs (thousands of calls) make no readable chart.
      if (scenario.steps.some((s) => s.kind === 'load')) continue;
      const tracePath = join(dir, `${f}.pcapng`);
      const r = await runScenario(scenario, { tracePath });
      if (!r.passed) throw new Error(`${f} failed: ${r.failures.map((x) => x.message).join('; ')}`);
      out.set(`${basename(f).replace(/\.ya?ml$/, '')}.svg`, sequenceDiagram(readTrace(tracePath), { title: scenario.name }));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

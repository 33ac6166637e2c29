import type { LatencySummary } from './run-stats.js';
import type { RunResult } from './scenario-runner.js';

const counts = (r: Readonly<Record<string, number>>): string => {
  const e = Object.entries(r);
  return e.length === 0 ? '-' : e.map(([k, v]) => `${k} ${v}`).join(', ');
};
const lat = (l: LatencySummary): string => (l.count === 0 ? '-' : `p50 ${l.p50} p90 ${l.p90} p99 ${l.p99} max ${l.max} (n=${l.count})`);

/** The summary `wanemu run` prints: a verdict line per scenario, its statistics, its failures. */
export function textReport(results: readonly RunResult[], clock: 'virtual' | 'real'): string[] {
  const lines: string[] = [];
  for (const r of results) {
    const s = r.stats;
    lines.push(`${r.passed ? 'PASS' : 'FAIL'}  ${r.scenario.file}  ${r.scenario.name}  (${(s.elapsedMs / 1000).toFixed(1)} s ${clock})`);
    lines.push(`      calls: offered ${s.callsOffered}, indicated ${s.callsIndicated}, answered ${s.callsAnswered}, placed ${s.callsPlaced}, connected ${s.callsConnected}; failed: ${counts(s.callsFailed)}; refused: ${counts(s.offersRefused)}`);
    lines.push(`      requests: ${s.requests}, failed: ${counts(s.requestsFailed)}; verifier violations: ${counts(s.violations)}`);
    lines.push(`      latency (ms, ${clock} clock): requests ${lat(s.requestLatency)}; call setup ${lat(s.setupLatency)}`);
    for (const f of r.failures) lines.push(`      ${f.at.file}:${f.at.line}:${f.at.col} ${f.path}: ${f.message}`);
  }
  const passed = results.filter((r) => r.passed).length;
  lines.push(`${passed} of ${results.length} scenarios passed`);
  return lines;
}

export function jsonReport(results: readonly RunResult[], clock: 'virtual' | 'real'): unknown {
  return {
    clock,
    passed: results.filter((r) => r.passed).length,
    failed: results.filter((r) => !r.passed).length,
    scenarios: results.map((r) => ({ file: r.scenario.file, name: r.scenario.name, passed: r.passed, failures: r.failures, stats: r.stats })),
  };
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JUnit XML, one test case per scenario, for CI dashboards. */
export function junitReport(results: readonly RunResult[]): string {
  const failures = results.filter((r) => !r.passed).length;
  const cases = results.map((r) => {
    const head = `    <testcase classname="wanemu.scenario" name="${xml(r.scenario.name)}" file="${xml(r.scenario.file)}" time="${(r.stats.elapsedMs / 1000).toFixed(3)}">`;
    if (r.passed) return `${head}</testcase>`;
    const text = r.failures.map((f) => `${f.at.file}:${f.at.line}:${f.at.col} ${f.path}: ${f.message}`).join('\n');
    return `${head}\n      <failure message="${xml(r.failures[0]?.message ?? 'failed')}">${xml(text)}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${results.length}" failures="${failures}">`,
    `  <testsuite name="wanemu" tests="${results.length}" failures="${failures}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** What `--fail-on` can measure over all the scenarios of a run. */
export const FAIL_ON_METRICS = {
  expectations: (rs: readonly RunResult[]) => rs.reduce((n, r) => n + r.failures.filter((f) => f.path !== 'verifier').length, 0),
  violations: (rs: readonly RunResult[]) => rs.reduce((n, r) => n + r.failures.filter((f) => f.path === 'verifier').length, 0),
  failedCalls: (rs: readonly RunResult[]) => rs.reduce((n, r) => n + Object.values(r.stats.callsFailed).reduce((a, b) => a + b, 0), 0),
  failedRequests: (rs: readonly RunResult[]) => rs.reduce((n, r) => n + Object.values(r.stats.requestsFailed).reduce((a, b) => a + b, 0), 0),
  refusedOffers: (rs: readonly RunResult[]) => rs.reduce((n, r) => n + Object.values(r.stats.offersRefused).reduce((a, b) => a + b, 0), 0),
  setupP99: (rs: readonly RunResult[]) => Math.max(0, ...rs.map((r) => r.stats.setupLatency.p99)),
  requestP99: (rs: readonly RunResult[]) => Math.max(0, ...rs.map((r) => r.stats.requestLatency.p99)),
} as const;

export type FailOnMetric = keyof typeof FAIL_ON_METRICS;

export interface Threshold {
  readonly metric: FailOnMetric;
  readonly op: '>' | '>=';
  readonly limit: number;
}

export class FailOnError extends Error {}

/** Parses `--fail-on` thresholds: `violations>0,failedCalls>=3`. */
export function parseFailOn(text: string): Threshold[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map((t) => {
      const m = /^([A-Za-z0-9]+)\s*(>=|>)\s*(\d+(?:\.\d+)?)$/.exec(t);
      if (m === null || !(m[1]! in FAIL_ON_METRICS)) {
        throw new FailOnError(`--fail-on: ${JSON.stringify(t)} is not METRIC>N or METRIC>=N with METRIC one of ${Object.keys(FAIL_ON_METRICS).join(', ')}`);
      }
      return { metric: m[1] as FailOnMetric, op: m[2] as '>' | '>=', limit: Number(m[3]) };
    });
}

/** The thresholds a run crosses, as messages. */
export function crossed(results: readonly RunResult[], thresholds: readonly Threshold[]): string[] {
  const out: string[] = [];
  for (const t of thresholds) {
    const v = FAIL_ON_METRICS[t.metric](results);
    if (t.op === '>' ? v > t.limit : v >= t.limit) out.push(`--fail-on ${t.metric}${t.op}${t.limit}: ${t.metric} is ${v}`);
  }
  return out;
}

export const DEFAULT_FAIL_ON = 'expectations>0,violations>0';

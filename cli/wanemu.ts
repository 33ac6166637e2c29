#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import {
  ABIS,
  FAMILIES,
  LAYOUT_VARIANTS,
  codecFor,
  isCodecError,
  isStructName,
  layoutOf,
  nameOf,
  type Abi,
  type FamilyName,
  type LayoutVariant,
} from '../oid/index.js';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK } from './exit-codes.js';
import { HexInputError, parseHex } from './hex-input.js';
import { layoutText, structureListText } from './layout-view.js';
import { oidRows, oidTableText } from './oid-table.js';
import { valueJson } from './value-view.js';
import { runDemo } from '../sim/demo.js';
import { showTrace } from '../trace/trace-show.js';
import { sequenceDiagram } from '../trace/sequence-diagram.js';
import { readTrace } from '../trace/pcapng-reader.js';
import { replay } from '../trace/replay.js';
import { replayUpper } from '../trace/replay-upper.js';
import { statSync, writeFileSync } from 'node:fs';
import { Presets, SingleBar } from 'cli-progress';
import { loadScenario } from '../sim/scenario/scenario-loader.js';
import { IsolatedMiniport } from '../bridge/isolated-miniport.js';
import { NativeBridgeError } from '../bridge/koffi-loader.js';
import { loopbackConfig, nativeTarget, openNative, parseAgainst, type NativeLibrary, type NativeSpec } from '../bridge/native-target.js';
import type { SimulatedMiniportOptions } from '../miniport/sim-config.js';
import type { Clock } from '../sim/clock.js';
import type { VirtualClock } from '../sim/virtual-clock.js';
import { runScenario, type RunResult } from '../sim/scenario/scenario-runner.js';
import { ScenarioError } from '../sim/scenario/scenario.js';
import { DEFAULT_FAIL_ON, FAIL_ON_METRICS, FailOnError, crossed, jsonReport, junitReport, parseFailOn, textReport } from '../sim/scenario/run-report.js';
import { TraceFormatError } from '../trace/trace-error.js';
import { SimulatedMiniport } from '../miniport/simulated-miniport.js';
import { FAULTY_NAMES, faultyMiniport, isFaultyName, type FaultyName } from '../miniport/faulty/index.js';
import { DEFAULT_MAX_STEPS, DEFAULT_RUNS, explore, type ExploreReport } from '../sim/explore/explore.js';
import { EXPLORE_MINIPORT, simTarget } from '../sim/explore/explore-target.js';

/*
 * The `wanemu` command: thin, it parses arguments and calls the library.
 * Exit codes: 0 success, 1 a check failed, 2 bad input or usage.
 */


class UsageError extends Error {}

/** A check (an expectation, a verifier rule) failed: exit 1. */
class CheckFailed extends Error {}

interface Io {
  out(text: string): void;
  err(text: string): void;
}

const abiOption = (): Option => new Option('--abi <abi>', 'Windows ABI').choices(ABIS).default('x64');
const variantOption = (): Option =>
  new Option('--variant <variant>', 'layout variant where the headers disagree (docs/abi.md)').choices(LAYOUT_VARIANTS).default('wdk');

function structureArg(name: string) {
  if (!isStructName(name)) throw new UsageError(`unknown structure ${JSON.stringify(name)}; \`wanemu layout\` lists them`);
  return name;
}

function parseNumber(text: string): number {
  const v = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^-?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(v) || v < -0x80000000 || v > 0xffffffff) {
    throw new UsageError(`${JSON.stringify(text)} is not a 32-bit number (decimal or 0x hex)`);
  }
  return v;
}

function program(io: Io): Command {
  const p = new Command('wanemu')
    .description('Emulates an NDIS WAN miniport and the Windows telephony stack above it.')
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) })
    .exitOverride();

  p.command('demo')
    .description('the main job: a built-in demo of call flows on the simulated miniport, one line per exchange')
    .option('--trace <file>', 'record every exchange into a pcapng trace')
    .action(async (o: { trace?: string }) => {
      const result = await runDemo(o.trace === undefined ? {} : { tracePath: o.trace });
      for (const line of result.lines) io.out(line);
      if (result.violations > 0) throw new CheckFailed(`${result.violations} verifier violations`);
    });

  p.command('oids')
    .description('list the OID_TAPI_* requests: value, query or set, support, structure and its sizes')
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) => io.out(o.json ? JSON.stringify(oidRows(), null, 2) : oidTableText()));

  p.command('layout')
    .argument('[structure]', 'an NDIS_TAPI_*, LINE_* or NDIS_MAC_* structure; all of them when left out')
    .description('show a structure\'s members with offsets and sizes')
    .addOption(abiOption())
    .addOption(variantOption())
    .option('--json', 'machine-readable output')
    .action((name: string | undefined, o: { abi: Abi; variant: LayoutVariant; json?: boolean }) => {
      if (name === undefined) return io.out(structureListText(o.variant));
      const s = structureArg(name);
      io.out(o.json ? JSON.stringify(layoutOf(s, o.abi, o.variant), null, 2) : layoutText(s, o.abi, o.variant));
    });

  p.command('name')
    .argument('<family>', `a constant family: ${Object.keys(FAMILIES).join(', ')}`)
    .argument('<value...>', 'values, decimal or 0x hex')
    .description('name values as the Windows headers do (bit sets as OFFERING|ACCEPTED)')
    .action((family: string, values: string[]) => {
      if (!(family in FAMILIES)) throw new UsageError(`unknown family ${JSON.stringify(family)}; one of ${Object.keys(FAMILIES).join(', ')}`);
      for (const v of values) io.out(nameOf(family as FamilyName, parseNumber(v)));
    });

  p.command('decode')
    .argument('<structure>', 'the structure the bytes hold')
    .argument('<hex...>', 'the bytes, as hex (spaces, commas, colons and 0x prefixes are allowed)')
    .description('decode a buffer (as a debugger prints it) into the structure\'s members')
    .addOption(abiOption())
    .addOption(variantOption())
    .action((name: string, hex: string[], o: { abi: Abi; variant: LayoutVariant }) => {
      const s = structureArg(name);
      const bytes = parseHex(hex.join(' '), 'the hex bytes');
      const value = codecFor(s, o.abi, o.variant).decode(bytes);
      if (isCodecError(value)) throw new HexInputError(`${value.structure}.${value.field}: ${value.message}`);
      io.out(valueJson(value));
    });

  p.command('run')
    .argument('<scenario...>', 'scenario files (YAML or JSON, see docs/scenarios.md)')
    .description('run scenarios against the simulated miniport (or a native library); exit 1 when an expectation or a threshold fails')
    .option('-v, --verbose', 'print one line per exchange')
    .option('--against <target>', 'sim (the simulated miniport), or native:<library>[?<config>] (a library implementing bridge/include/wanemu_hw.h)', 'sim')
    .option('--isolate', 'with native: host the library in a child process, so a crash or hang is reported instead of taking wanemu down')
    .option('--threaded-calls', 'with native: call the library from a thread of its own, for requests that wait on a thread that indicates')
    .option('--realtime', 'run on the real clock instead of the virtual one')
    .option('--json', 'print the results as JSON')
    .option('--junit <file>', 'write JUnit XML for CI')
    .option('--trace <file>', 'record every exchange as pcapng (with several scenarios: FILE-1.pcapng, FILE-2.pcapng, ...)')
    .option('--fail-on <thresholds>', `fail when a metric crosses a threshold (${Object.keys(FAIL_ON_METRICS).join(', ')})`, DEFAULT_FAIL_ON)
    .action(async (files: string[], o: { verbose?: boolean; realtime?: boolean; json?: boolean; junit?: string; trace?: string; failOn: string; against: string; isolate?: boolean; threadedCalls?: boolean }) => {
      const native = againstOf(o.against);
      let thresholds;
      try {
        thresholds = parseFailOn(o.failOn);
      } catch (e) {
        if (e instanceof FailOnError) throw new UsageError(e.message);
        throw e;
      }
      const scenarios = files.map((f) => loadScenario(f));
      const clock = o.realtime === true ? 'real' : 'virtual';
      const results: RunResult[] = [];
      for (const [i, s] of scenarios.entries()) {
        const tracePath = o.trace === undefined ? undefined : scenarios.length === 1 ? o.trace : o.trace.replace(/(\.pcapng)?$/, `-${i + 1}.pcapng`);
        if (o.verbose === true) io.out(`-- ${s.file}: ${s.name}`);
        const library = native === undefined ? undefined : await openLibrary(native, native.config ?? loopbackConfig(s.miniport, clock), o.isolate === true, o.threadedCalls === true, io);
        const target = library === undefined ? {} : { target: (c: Clock) => nativeTarget(library, s.miniport, c) };
        results.push(await runScenario(s, { clock, ...target, ...(o.verbose === true ? { verbose: io.out } : {}), ...(tracePath === undefined ? {} : { tracePath }) }));
      }
      if (o.json === true) io.out(JSON.stringify(jsonReport(results, clock), null, 2));
      else for (const line of textReport(results, clock)) io.out(line);
      if (o.junit !== undefined) writeFileSync(o.junit, junitReport(results));
      const over = crossed(results, thresholds);
      if (over.length > 0) throw new CheckFailed(over.join('; '));
    });

  p.command('replay')
    .argument('<trace>', 'a .pcapng file wanemu recorded')
    .description('replay a trace against a target and report where its behaviour diverges from the recording')
    .option('--against <target>', 'the target: sim (the simulated miniport, configured as recorded), or native:<library>[?<config>]', 'sim')
    .option('--isolate', 'with native: host the library in a child process')
    .option('--threaded-calls', 'with native: call the library from a thread of its own, for requests that wait on a thread that indicates')
    .option('--all', 'count every divergence instead of stopping at the first')
    .option('--no-verify', 'do not run the verifier over what the target does (it runs by default)')
    .option('--speed <speed>', 'max, realtime, or a factor of real time such as 2x', 'max')
    .option('--upper', 'instead, play the recorded miniport side into NdisTapi and the verifier')
    .option('--faulty <variant>', `against a deliberately broken simulated miniport (${FAULTY_NAMES.join(', ')})`)
    .action(async (path: string, o: { against: string; all?: boolean; verify: boolean; speed: string; upper?: boolean; isolate?: boolean; threadedCalls?: boolean; faulty?: string }) => {
      const native = againstOf(o.against);
      const faulty = faultyOf(o.faulty, native);
      if (o.upper === true) {
        const warnUpper = (w: { block: number; offset: number; message: string }): void => io.err(`wanemu: warning: ${path}: block ${w.block} at byte ${w.offset}: ${w.message}`);
        const u = replayUpper(path, warnUpper);
        for (const d of u.divergences) io.out(`divergence at block ${d.record.block} (byte ${d.record.offset}): ${d.reason}`);
        for (const v of u.violations) io.out(`verifier: ${v}`);
        io.out(`${path}: ${u.records} records played into NdisTapi and the verifier: ${u.divergences.length} divergences, ${u.violations.length} violations`);
        if (u.divergences.length + u.violations.length > 0) throw new CheckFailed(`${u.divergences.length} divergences, ${u.violations.length} violations`);
        return;
      }
      const m = /^(\d+(?:\.\d+)?)x$/.exec(o.speed);
      const speed = o.speed === 'max' || o.speed === 'realtime' ? o.speed : m !== null && Number(m[1]) > 0 ? Number(m[1]) : undefined;
      if (speed === undefined) throw new UsageError(`--speed ${JSON.stringify(o.speed)}: max, realtime or a factor such as 2x`);
      const warn = (w: { block: number; offset: number; message: string }): void => io.err(`wanemu: warning: ${path}: block ${w.block} at byte ${w.offset}: ${w.message}`);
      // A progress bar on a terminal, for long traces (on stderr, so stdout stays the report).
      const size = statSync(path, { throwIfNoEntry: false })?.size ?? 0;
      const bar = process.stderr.isTTY === true && io.err === defaultIo.err && size > 1 << 22 ? new SingleBar({ format: 'replay {bar} {percentage}% | {records} records', stream: process.stderr }, Presets.shades_classic) : undefined;
      bar?.start(size, 0, { records: 0 });
      const target =
        faulty !== undefined
          ? { target: async (config: SimulatedMiniportOptions, clock: VirtualClock) => faultyMiniport(faulty, new SimulatedMiniport({ ...config, clock })) }
          : native === undefined
          ? {}
          : { target: async (config: SimulatedMiniportOptions, clock: VirtualClock) => nativeTarget(await openLibrary(native, native.config ?? loopbackConfig(config, 'virtual'), o.isolate === true, o.threadedCalls === true, io), config, clock) };
      const r = await replay(path, { all: o.all === true, verify: o.verify, speed, onWarning: warn, onProgress: (records, bytes) => bar?.update(bytes, { records }), ...target });
      bar?.update(size, { records: r.records });
      bar?.stop();
      const against = faulty === undefined ? o.against : `the faulty variant ${faulty}`;
      for (const v of r.violations) io.out(`verifier: ${v.rule} at exchange ${v.seq}: ${v.detail}`);
      if (r.divergences.length === 0) {
        io.out(`${path}: ${r.records} records replayed against ${against}, ${r.compared} outputs compared, no divergence${o.verify ? `, ${r.violations.length} verifier violation${r.violations.length === 1 ? '' : 's'}` : ''}`);
        if (r.violations.length > 0) throw new CheckFailed(`${r.violations.length} verifier violation${r.violations.length === 1 ? '' : 's'}`);
        return;
      }
      const d = r.divergences[0]!;
      io.out(`${path}: first divergence after ${r.compared} matching outputs: ${d.reason}`);
      io.out(`  expected: ${d.expectedText}`);
      io.out(`  got:      ${d.actualText}`);
      io.out('  the recording around it:');
      for (const l of d.around) io.out(`  ${l}`);
      if (o.all === true) io.out(`${r.divergences.length} divergences in ${r.records} records`);
      throw new CheckFailed(`${r.divergences.length} divergence${r.divergences.length === 1 ? '' : 's'}${r.violations.length === 0 ? '' : `, ${r.violations.length} verifier violations`}`);
    });

  p.command('explore')
    .description('search orderings of remote-party actions, requests (good and bad), completions and clock steps for a contract breach; shrink the first one to a scenario and a trace (docs/explore.md)')
    .option('--against <target>', 'sim (the simulated miniport), or native:<library>[?<config>]', 'sim')
    .option('--faulty <variant>', `explore a deliberately broken simulated miniport (${FAULTY_NAMES.join(', ')})`)
    .option('--runs <n>', 'sequences to generate', String(DEFAULT_RUNS))
    .option('--seed <seed>', 'the seed: the same seed explores the same sequences (default: a random one, printed)')
    .option('--max-steps <k>', 'actions per sequence at most', String(DEFAULT_MAX_STEPS))
    .option('--out <dir>', 'where the shrunk scenario (.yaml) and trace (.pcapng) of a failure go', 'wanemu-explore')
    .option('--json', 'print the summary as JSON')
    .action(async (o: { against: string; faulty?: string; runs: string; seed?: string; maxSteps: string; out: string; json?: boolean }) => {
      const native = againstOf(o.against);
      const faulty = faultyOf(o.faulty, native);
      const runs = wholeNumber('--runs', o.runs, 1, 10_000_000);
      const maxSteps = wholeNumber('--max-steps', o.maxSteps, 1, 1000);
      const seed = o.seed === undefined ? Math.floor(Math.random() * 0x7fff_ffff) : wholeNumber('--seed', o.seed, -0x8000_0000, 0x7fff_ffff);
      const bar = process.stderr.isTTY === true && io.err === defaultIo.err ? new SingleBar({ format: 'explore {bar} {value}/{total} sequences', stream: process.stderr }, Presets.shades_classic) : undefined;
      bar?.start(runs, 0);
      const config = native?.config ?? loopbackConfig(EXPLORE_MINIPORT, 'virtual');
      const target =
        native === undefined
          ? { target: simTarget(faulty) }
          : {
              openTarget: async () => {
                const library = await openLibrary(native, config, false, false, io);
                return (clock: VirtualClock) => ({ miniport: nativeTarget(library, EXPLORE_MINIPORT, clock), poll: () => library.poll() });
              },
            };
      let report: ExploreReport;
      try {
        report = await explore({
          ...target,
          miniport: EXPLORE_MINIPORT,
          against: o.against,
          ...(faulty === undefined ? {} : { faulty }),
          runs,
          seed,
          maxSteps,
          out: o.out,
          onRun: (n) => bar?.update(Math.min(n, runs)),
          reproduce: async (file) => {
            const s = loadScenario(file);
            if (native === undefined) return !(await runScenario(s)).passed;
            const library = await openLibrary(native, config, false, false, io);
            return !(await runScenario(s, { target: (c) => nativeTarget(library, s.miniport, c) })).passed;
          },
        });
      } finally {
        bar?.stop();
      }
      if (o.json === true) io.out(JSON.stringify(report, null, 2));
      else for (const line of exploreText(report)) io.out(line);
      if (report.failure !== undefined) throw new CheckFailed(`${report.failure.kind} found (seed ${report.seed})`);
    });

  const trace = p.command('trace').description('look at recorded traces (pcapng)');
  trace
    .command('diagram')
    .argument('<trace>', 'a .pcapng file wanemu recorded')
    .requiredOption('-o, --output <file>', 'the SVG file to write')
    .option('--title <text>', 'a title over the chart')
    .option('--max-rows <n>', 'rows drawn at most', '2000')
    .description('draw the flow as a message sequence chart (SVG): remote party, miniport, NDISTAPI, TAPI')
    .action((path: string, o: { output: string; title?: string; maxRows: string }) => {
      const max = Number(o.maxRows);
      if (!Number.isInteger(max) || max < 1) throw new UsageError(`--max-rows: ${JSON.stringify(o.maxRows)} is not a whole number of at least 1`);
      const warn = (w: { block: number; offset: number; message: string }): void => io.err(`wanemu: warning: ${path}: block ${w.block} at byte ${w.offset}: ${w.message}`);
      writeFileSync(o.output, sequenceDiagram(readTrace(path, warn), { maxRows: max, ...(o.title === undefined ? {} : { title: o.title }) }));
    });

  trace
    .command('show')
    .argument('<trace>', 'a .pcapng file wanemu recorded')
    .description('print the flow, one readable line per exchange')
    .option('--json', 'one JSON object per record, per line')
    .action((path: string, o: { json?: boolean }) => {
      showTrace(path, o.json === true, io.out, (w) => io.err(`wanemu: warning: ${path}: block ${w.block} at byte ${w.offset}: ${w.message}`));
    });

  return p;
}

/** `--faulty`: a variant's name; only with the simulated miniport. */
function faultyOf(name: string | undefined, native: NativeSpec | undefined): FaultyName | undefined {
  if (name === undefined) return undefined;
  if (!isFaultyName(name)) throw new UsageError(`--faulty ${JSON.stringify(name)}: one of ${FAULTY_NAMES.join(', ')}`);
  if (native !== undefined) throw new UsageError('--faulty wraps the simulated miniport: use it with --against sim');
  return name;
}

/** A whole-number option within bounds. */
function wholeNumber(option: string, text: string, min: number, max: number): number {
  const v = /^-?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new UsageError(`${option} ${JSON.stringify(text)}: a whole number from ${min} to ${max}`);
  return v;
}

/** The readable summary of an exploration. */
function exploreText(r: ExploreReport): string[] {
  const against = r.faulty === undefined ? r.against : `the faulty variant ${r.faulty}`;
  if (r.failure === undefined) return [`wanemu explore: ${r.runs} sequences against ${against} (seed ${r.seed}): no failure (${(r.elapsedMs / 1000).toFixed(1)} s)`];
  const f = r.failure;
  return [
    `wanemu explore: a ${f.kind}${f.rule === undefined ? '' : ` (${f.rule})`} against ${against} after ${r.runs} sequence${r.runs === 1 ? '' : 's'} (seed ${r.seed}), shrunk in ${r.shrinks} runs to ${r.actions.length} action${r.actions.length === 1 ? '' : 's'}:`,
    ...r.actions.map((a, i) => `  ${i + 1}. ${a}`),
    `  ${f.message}`,
    ...(r.scenario === undefined ? [] : [`  scenario: ${r.scenario} (wanemu run ${r.reproduces === true ? 'fails on it, as it should' : r.reproduces === false ? 'does not fail on it: this failure shows only to the reference model or the end-of-run checks' : 'was not tried'})`]),
    ...(r.trace === undefined ? [] : [`  trace:    ${r.trace} (wanemu replay shows where it leaves the simulated miniport; --upper runs the verifier over the recording; --faulty replays it against the variant, verified)`]),
  ];
}

/** `--against`: undefined for sim, the library otherwise; bad input is a usage error. */
function againstOf(text: string): NativeSpec | undefined {
  try {
    return parseAgainst(text);
  } catch (e) {
    if (e instanceof NativeBridgeError) throw new UsageError(e.message);
    throw e;
  }
}

/** Opens a native library; a library that cannot be opened is bad input. Crashes of an isolated one are reported. */
async function openLibrary(spec: NativeSpec, config: string, isolate: boolean, threadedCalls: boolean, io: Io): Promise<NativeLibrary> {
  try {
    const library = await openNative(spec, config, isolate, threadedCalls);
    if (library instanceof IsolatedMiniport) library.crash$.subscribe((c) => io.err(`wanemu: ${c.message}`));
    return library;
  } catch (e) {
    if (e instanceof NativeBridgeError) throw new UsageError(e.message);
    throw e;
  }
}

/** Runs the command line; returns the exit code instead of exiting, so tests can call it. */
const defaultIo: Io = { out: (s) => console.log(s), err: (s) => console.error(s) };

export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  try {
    // With no command, the main job runs.
    await program(io).parseAsync(argv.length === 0 ? ['demo'] : [...argv], { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    }
    if (e instanceof CheckFailed) {
      io.err(`wanemu: ${e.message}`);
      return EXIT_CHECK_FAILED;
    }
    if (e instanceof TraceFormatError || e instanceof ScenarioError) {
      io.err(`wanemu: ${e.message}`);
      return EXIT_BAD_INPUT;
    }
    if (isNodeError(e) && (e.code === 'ENOENT' || e.code === 'EISDIR' || e.code === 'EACCES')) {
      io.err(`wanemu: ${e.path ?? ''}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : 'permission denied'}`);
      return EXIT_BAD_INPUT;
    }
    if (e instanceof UsageError || e instanceof HexInputError) {
      io.err(`wanemu: ${e.message}`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
}

function isNodeError(e: unknown): e is NodeJS.ErrnoException {
  // Not `instanceof Error`: errors from node's own modules may come from another realm (jest).
  return typeof e === 'object' && e !== null && typeof (e as NodeJS.ErrnoException).code === 'string' && 'message' in e;
}

const invokedDirectly = process.argv[1] !== undefined && /wanemu(\.js)?$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

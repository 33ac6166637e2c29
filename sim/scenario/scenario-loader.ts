import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, isMap, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { LINECALLSTATE_DIALING, LINECALLSTATE_PROCEEDING, LINECALLSTATE_RINGBACK } from '../../oid/index.js';
import type { RuleId } from '../../ndistapi/verifier/rules.js';
import type { SimulatedMiniportOptions } from '../../miniport/sim-config.js';
import type { FaultyName } from '../../miniport/faulty/index.js';
import { SCENARIO_SCHEMA, STEP_KINDS, type StepKind } from './scenario-schema.js';
import { ScenarioError, type Scenario, type Step } from './scenario.js';

// All errors, so the most specific one can be reported (see mostSpecific).
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(SCENARIO_SCHEMA);

const PROGRESS: Readonly<Record<string, number>> = {
  DIALING: LINECALLSTATE_DIALING,
  PROCEEDING: LINECALLSTATE_PROCEEDING,
  RINGBACK: LINECALLSTATE_RINGBACK,
};

type PathPart = string | number;

/** Turns a JSON pointer (/steps/3/expect) into path parts. */
function pointerParts(pointer: string): PathPart[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function pathText(parts: readonly PathPart[]): string {
  return parts.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

class Locator {
  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** The position of the node at `parts` (or of its key `key`), else of the nearest parent that exists. */
  at(parts: readonly PathPart[], key?: string): { line: number; col: number } {
    if (key !== undefined) {
      const parent = this.doc.getIn(parts, true) as unknown;
      if (isMap(parent)) {
        const pair = parent.items.find((it) => (it.key as { value?: unknown } | null)?.value === key);
        const range = (pair?.key as Node | undefined)?.range;
        if (range) return this.lines.linePos(range[0]);
      }
    }
    for (let n = parts.length; n >= 0; n--) {
      const node = n === 0 ? this.doc.contents : (this.doc.getIn(parts.slice(0, n), true) as Node | undefined);
      const range = node?.range;
      if (range) return this.lines.linePos(range[0]);
    }
    return { line: 1, col: 1 };
  }

  error(parts: readonly PathPart[], expected: string, key?: string): ScenarioError {
    const { line, col } = this.at(parts, key);
    return new ScenarioError(this.file, line, col, pathText(key === undefined ? parts : [...parts, key]), expected);
  }
}

/**
 * The error to report among all the schema found: the deepest in the document, and among
 * those not a mere `type` or `oneOf` mismatch of the alternatives (for `goto: { times: 0 }`,
 * "times must be >= 1", not "goto must be a string").
 */
function mostSpecific(errors: readonly ErrorObject[]): ErrorObject {
  const depth = (e: ErrorObject): number => (e.instancePath === '' ? 0 : e.instancePath.split('/').length);
  const vague = (e: ErrorObject): number => (e.keyword === 'oneOf' || e.keyword === 'anyOf' ? 2 : e.keyword === 'type' ? 1 : 0);
  return [...errors].sort((a, b) => depth(b) - depth(a) || vague(a) - vague(b))[0]!;
}

/** Ajv reports paths inside a $ref'd definition from that definition; this names it from the schema's root. */
function rootSchemaPath(e: ErrorObject): string {
  const parts = e.instancePath.split('/');
  const last = parts.lastIndexOf('steps');
  if (last < 0 || !e.schemaPath.startsWith('#/')) return e.schemaPath;
  const inStep = last < parts.length - 1;
  return `#/definitions/${inStep ? 'step' : 'steps'}/${e.schemaPath.slice(2)}`;
}

function schemaMessage(e: ErrorObject): { expected: string; key?: string } {
  e = { ...e, schemaPath: rootSchemaPath(e) };
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return { expected: `unknown member ${JSON.stringify(p['additionalProperty'])} (schema ${e.schemaPath})`, key: String(p['additionalProperty']) };
    case 'required':
      return { expected: `the member ${JSON.stringify(p['missingProperty'])} is required (schema ${e.schemaPath})` };
    case 'enum':
      return { expected: `one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')} (schema ${e.schemaPath})` };
    default:
      return { expected: `${e.message ?? e.keyword} (schema ${e.schemaPath})` };
  }
}

function loadSteps(raw: readonly unknown[], base: PathPart[], loc: Locator, labels: Set<string>): Step[] {
  return raw.map((item, i) => {
    const parts = [...base, i];
    const obj = item as Record<string, unknown>;
    const kinds = Object.keys(obj).filter((k): k is StepKind => (STEP_KINDS as readonly string[]).includes(k));
    const label = typeof obj['label'] === 'string' ? obj['label'] : undefined;
    if (kinds.length > 1) throw loc.error(parts, `a step does one thing: found ${kinds.join(' and ')}`);
    if (kinds.length === 0 && label === undefined) throw loc.error(parts, `a step needs one of ${STEP_KINDS.join(', ')} (or a label)`);
    if (label !== undefined) {
      if (labels.has(label)) throw loc.error(parts, `the label ${JSON.stringify(label)} is used twice`, 'label');
      labels.add(label);
    }
    const kind = kinds[0] ?? 'label';
    const { line, col } = loc.at(parts);
    const step: Step = {
      kind,
      body: kind === 'label' ? undefined : obj[kind],
      label,
      at: { file: loc.file, line, col },
      path: pathText(parts),
      parts,
      ...(kind === 'repeat' ? { steps: loadSteps((obj['repeat'] as { steps: unknown[] }).steps, [...parts, 'repeat', 'steps'], loc, labels) } : {}),
      ...(kind === 'load' && Array.isArray((obj['load'] as { flow?: unknown[] }).flow)
        ? { steps: loadSteps((obj['load'] as { flow: unknown[] }).flow, [...parts, 'load', 'flow'], loc, labels) }
        : {}),
    };
    return step;
  });
}

/** Every jump target is a label of the same list of steps (jumps never leave or enter a `repeat`). */
function checkJumps(steps: readonly Step[], all: ReadonlySet<string>, loc: Locator): void {
  const labels = new Set(steps.flatMap((s) => (s.label === undefined ? [] : [s.label])));
  for (const s of steps) {
    const target =
      s.kind === 'goto' ? (typeof s.body === 'string' ? s.body : (s.body as { label: string }).label) : s.kind === 'expect' ? (s.body as { onTimeout?: string }).onTimeout : undefined;
    if (target !== undefined && !labels.has(target)) {
      const expected = all.has(target)
        ? `a label ${JSON.stringify(target)} in the same list of steps: jumps do not leave or enter a repeat`
        : `a label ${JSON.stringify(target)} to jump to: no step has it`;
      const err = s.kind === 'goto' ? loc.error(s.parts, expected, 'goto') : loc.error([...s.parts, 'expect'], expected, 'onTimeout');
      // The message names the step; the position is the jump's key.
      throw new ScenarioError(err.file, err.line, err.col, s.path, expected);
    }
    if (s.steps) checkJumps(s.steps, all, loc);
  }
}

/** Parses scenario text (YAML, or JSON, which is YAML too), checks it against the schema and the rules the schema cannot say. */
export function parseScenario(text: string, file: string): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const loc = new Locator(file, doc, lines);
  const first = doc.errors[0];
  if (first !== undefined) {
    const { line, col } = lines.linePos(first.pos[0]);
    throw new ScenarioError(file, line, col, '', `not valid YAML or JSON: ${first.message.split('\n')[0]}`);
  }
  if (!isMap(doc.contents) && !isSeq(doc.contents)) throw new ScenarioError(file, 1, 1, '', 'a scenario object with name and steps');
  const js = doc.toJS() as unknown;
  if (!validate(js)) {
    const e = mostSpecific(validate.errors!);
    const { expected, key } = schemaMessage(e);
    throw loc.error(pointerParts(e.instancePath), expected, key);
  }
  const obj = js as { name: string; description?: string; miniport?: Record<string, unknown>; allowViolations?: RuleId[]; faulty?: FaultyName; steps: unknown[] };
  const labels = new Set<string>();
  const steps = loadSteps(obj.steps, ['steps'], loc, labels);
  checkJumps(steps, labels, loc);
  const m = obj.miniport ?? {};
  const outgoing = m['outgoing'] as { progress?: string[] } | undefined;
  const miniport = {
    ...m,
    ...(outgoing === undefined ? {} : { outgoing: { ...outgoing, ...(outgoing.progress ? { progress: outgoing.progress.map((p) => PROGRESS[p]!) } : {}) } }),
  } as SimulatedMiniportOptions;
  return { file, name: obj.name, description: obj.description, miniport, allowViolations: obj.allowViolations ?? [], steps, ...(obj.faulty === undefined ? {} : { faulty: obj.faulty }) };
}

/** Reads and parses a scenario file. */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ScenarioError(file, 1, 1, '', code === 'ENOENT' ? 'a scenario file (no such file)' : `a readable scenario file (${code ?? String(e)})`);
  }
  return parseScenario(text, file);
}

import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, isMap, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { LINECALLSTATE_DIALING, LINECALLSTATE_PROCEEDING, LINECALLSTATE_RINGBACK } from '../../oid/index.js';
import type { RuleId } from '../../ndistapi/verifier/rules.js';
import type { SimulatedMiniportOptions } from '../../miniport/sim-config.js';
import { SCENARIO_SCHEMA, STEP_KINDS, type StepKind } from './scenario-schema.js';
import { ScenarioError, type Scenario, type Step } from './scenario.js';

const ajv = new Ajv({ allErrors: false, strict: false });
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

function schemaMessage(e: ErrorObject): { expected: string; key?: string } {
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
      ...(kind === 'repeat' ? { steps: loadSteps((obj['repeat'] as { steps: unknown[] }).steps, [...parts, 'repeat', 'steps'], loc, labels) } : {}),
    };
    return step;
  });
}

/** Every jump target exists. */
function checkJumps(steps: readonly Step[], labels: ReadonlySet<string>, loc: Locator): void {
  for (const s of steps) {
    const target =
      s.kind === 'goto' ? (typeof s.body === 'string' ? s.body : (s.body as { label: string }).label) : s.kind === 'expect' ? (s.body as { onTimeout?: string }).onTimeout : undefined;
    if (target !== undefined && !labels.has(target)) {
      throw new ScenarioError(s.at.file, s.at.line, s.at.col, s.path, `a label ${JSON.stringify(target)} to jump to: no step has it`);
    }
    if (s.steps) checkJumps(s.steps, labels, loc);
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
    const e = validate.errors![0]!;
    const { expected, key } = schemaMessage(e);
    throw loc.error(pointerParts(e.instancePath), expected, key);
  }
  const obj = js as { name: string; description?: string; miniport?: Record<string, unknown>; allowViolations?: RuleId[]; steps: unknown[] };
  const labels = new Set<string>();
  const steps = loadSteps(obj.steps, ['steps'], loc, labels);
  checkJumps(steps, labels, loc);
  const m = obj.miniport ?? {};
  const outgoing = m['outgoing'] as { progress?: string[] } | undefined;
  const miniport = {
    ...m,
    ...(outgoing === undefined ? {} : { outgoing: { ...outgoing, ...(outgoing.progress ? { progress: outgoing.progress.map((p) => PROGRESS[p]!) } : {}) } }),
  } as SimulatedMiniportOptions;
  return { file, name: obj.name, description: obj.description, miniport, allowViolations: obj.allowViolations ?? [], steps };
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

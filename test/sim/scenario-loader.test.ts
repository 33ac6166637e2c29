import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LINEBUSYMODE_STATION,
  LINECALLSTATE_DIALING,
  LINECALLSTATE_OFFERING,
  LINECALLSTATE_RINGBACK,
  LINEDISCONNECTMODE_NORMAL,
  LINEMEDIAMODE_DIGITALDATA,
  LINEMEDIAMODE_INTERACTIVEVOICE,
  NDIS_STATUS_SUCCESS,
  NDIS_STATUS_TAPI_INVALCALLHANDLE,
  OID_TAPI_ANSWER,
} from '../../oid/index.js';
import { loadScenario, parseScenario } from '../../sim/scenario/scenario-loader.js';
import { SCENARIO_SCHEMA } from '../../sim/scenario/scenario-schema.js';
import { ScenarioError, type Step } from '../../sim/scenario/scenario.js';
import { ValueError, resolveValue } from '../../sim/scenario/values.js';

const dir = mkdtempSync(join(tmpdir(), 'wanemu-loader-'));

/** The ScenarioError parseScenario throws for `text` (fails the test when it loads). */
function errorOf(text: string, file = 'bad.yaml'): ScenarioError {
  try {
    parseScenario(text, file);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error(`${file} loaded; a ScenarioError was expected`);
}

/** 1-based line and column of the `nth` occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string, nth = 1): { line: number; col: number } {
  let at = -1;
  for (let i = 0; i < nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`${JSON.stringify(needle)} is not in the text ${nth} times`);
  }
  const before = text.slice(0, at).split('\n');
  return { line: before.length, col: before[before.length - 1]!.length + 1 };
}

const VALID = `# yaml-language-server: $schema=../schema/scenario.schema.json
name: Loader fixture
description: every shape of step
miniport:
  offerTimeoutMs: 5000
  outgoing: { progress: [DIALING, RINGBACK], stepMs: 10, outcome: answer }
allowViolations: [EVENT_AFTER_IDLE]
steps:
  - bringUp: { mediaModes: [DIGITALDATA, INTERACTIVEVOICE] }
  - label: top
  - offer: { mediaMode: DIGITALDATA, as: call }
  - label: answer-it
    comment: a label on a step that does something
    request: { oid: OID_TAPI_ANSWER, call: $call }
  - wait: 100
  - repeat:
      times: 2
      steps:
        - wait: 1
        - expect: { event: callState, state: OFFERING, optional: true, timeout: 1 }
  - goto: { label: top, times: 1 }
  - complete: true
  - goto: answer-it
`;

describe('parseScenario: a valid scenario', () => {
  const s = parseScenario(VALID, 'fixture.yaml');

  test('keeps name, description, file, allowed violations and the miniport options (progress names as call states)', () => {
    expect(s.file).toBe('fixture.yaml');
    expect(s.name).toBe('Loader fixture');
    expect(s.description).toBe('every shape of step');
    expect(s.allowViolations).toEqual(['EVENT_AFTER_IDLE']);
    expect(s.miniport).toEqual({
      offerTimeoutMs: 5000,
      outgoing: { progress: [LINECALLSTATE_DIALING, LINECALLSTATE_RINGBACK], stepMs: 10, outcome: 'answer' },
    });
  });

  test('gives each step its kind, label, body, JSON path and 1-based line/column', () => {
    const summary = (st: Step): unknown => ({ kind: st.kind, label: st.label, path: st.path, line: st.at.line, col: st.at.col, file: st.at.file });
    expect(s.steps.map(summary)).toEqual([
      { kind: 'bringUp', label: undefined, path: 'steps[0]', ...positionOf(VALID, 'bringUp'), file: 'fixture.yaml' },
      { kind: 'label', label: 'top', path: 'steps[1]', ...positionOf(VALID, 'label: top'), file: 'fixture.yaml' },
      { kind: 'offer', label: undefined, path: 'steps[2]', ...positionOf(VALID, 'offer:'), file: 'fixture.yaml' },
      { kind: 'request', label: 'answer-it', path: 'steps[3]', ...positionOf(VALID, 'label: answer-it'), file: 'fixture.yaml' },
      { kind: 'wait', label: undefined, path: 'steps[4]', ...positionOf(VALID, 'wait: 100'), file: 'fixture.yaml' },
      { kind: 'repeat', label: undefined, path: 'steps[5]', ...positionOf(VALID, 'repeat:'), file: 'fixture.yaml' },
      { kind: 'goto', label: undefined, path: 'steps[6]', ...positionOf(VALID, 'goto: { label: top'), file: 'fixture.yaml' },
      { kind: 'complete', label: undefined, path: 'steps[7]', ...positionOf(VALID, 'complete: true'), file: 'fixture.yaml' },
      { kind: 'goto', label: undefined, path: 'steps[8]', ...positionOf(VALID, 'goto: answer-it'), file: 'fixture.yaml' },
    ]);
    expect(s.steps[0]!.at).toEqual({ file: 'fixture.yaml', line: 9, col: 5 });
    expect(s.steps[1]!.body).toBeUndefined();
    expect(s.steps[3]!.body).toEqual({ oid: 'OID_TAPI_ANSWER', call: '$call' });
    expect(s.steps[4]!.body).toBe(100);
    expect(s.steps[6]!.body).toEqual({ label: 'top', times: 1 });
    expect(s.steps[8]!.body).toBe('answer-it');
  });

  test('loads the nested steps of a repeat with their own paths and positions', () => {
    const nested = s.steps[5]!.steps!;
    expect(nested.map((st) => [st.kind, st.path, st.at.line, st.at.col])).toEqual([
      ['wait', 'steps[5].repeat.steps[0]', 19, 11],
      ['expect', 'steps[5].repeat.steps[1]', 20, 11],
    ]);
    expect(nested[1]!.body).toEqual({ event: 'callState', state: 'OFFERING', optional: true, timeout: 1 });
    expect(s.steps[5]!.body).toMatchObject({ times: 2 });
  });

  test('JSON text is read by the same loader, positions included (a step starts at its brace)', () => {
    const json = '{\n  "name": "j",\n  "steps": [\n    { "bringUp": {} },\n    { "wait": 5 }\n  ]\n}\n';
    const j = parseScenario(json, 'j.json');
    expect(j.name).toBe('j');
    expect(j.steps.map((st) => [st.kind, st.path, st.at.line, st.at.col])).toEqual([
      ['bringUp', 'steps[0]', 4, 5],
      ['wait', 'steps[1]', 5, 5],
    ]);
    expect(j.allowViolations).toEqual([]);
    expect(j.miniport).toEqual({});
  });

  test('loadScenario reads a file from disk', () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, VALID);
    const fromDisk = loadScenario(file);
    expect(fromDisk.file).toBe(file);
    expect(fromDisk.steps).toHaveLength(9);
    expect(fromDisk.steps[0]!.at.file).toBe(file);
  });
});

describe('parseScenario: errors name file, line, column, path and what was expected', () => {
  test('bad YAML: the position of the syntax error', () => {
    const text = 'name: x\nsteps:\n  - expect: { event: newCall }}\n';
    const e = errorOf(text, 'syntax.yaml');
    expect(e).toBeInstanceOf(ScenarioError);
    expect(e).toMatchObject({ file: 'syntax.yaml', line: 3, col: 31, schemaPath: '' });
    expect(e.expected).toMatch(/^not valid YAML or JSON: .*"}"/);
    expect(e.message).toBe(`syntax.yaml:3:31: ${e.expected}`);
  });

  test('bad YAML: a misaligned sequence item is placed at its dash', () => {
    const e = errorOf('name: x\nsteps:\n  - wait: 5\n   - wait: 6\n');
    expect(e).toMatchObject({ line: 4, col: 4, schemaPath: '' });
    expect(e.expected).toMatch(/same column/);
  });

  test('a duplicated key is a YAML error at the second key', () => {
    const e = errorOf('name: x\nname: y\nsteps: []\n');
    expect(e).toMatchObject({ line: 2, col: 1 });
    expect(e.expected).toMatch(/unique/);
  });

  test('an unknown member: the position of the KEY, and the message names it', () => {
    const text = 'name: x\nsteps:\n  - bringUp: {}\n  - offer: { mediaMode: DIGITALDATA, colour: red }\n';
    const e = errorOf(text);
    expect(e).toMatchObject({ file: 'bad.yaml', ...positionOf(text, 'colour'), schemaPath: 'steps[1].offer.colour' });
    expect(e.line).toBe(4);
    expect(e.col).toBe(38);
    expect(e.expected).toMatch(/^unknown member "colour"/);
    expect(e.message).toMatch(/^bad\.yaml:4:38: steps\[1\]\.offer\.colour: unknown member "colour"/);
  });

  test('an unknown top-level member is placed at its key', () => {
    const text = 'name: x\nsteps: []\ncolour: red\n';
    const e = errorOf(text);
    expect(e).toMatchObject({ line: 3, col: 1, schemaPath: 'colour' });
    expect(e.expected).toMatch(/unknown member "colour"/);
  });

  test('an unknown member deep in a repeat carries the nested path', () => {
    const text = 'name: x\nsteps:\n  - repeat:\n      times: 2\n      steps:\n        - wait: 1\n        - offer: { mediaMode: 1, xx: 1 }\n';
    const e = errorOf(text);
    expect(e).toMatchObject({ ...positionOf(text, 'xx'), schemaPath: 'steps[0].repeat.steps[1].offer.xx' });
  });

  test('a missing required member (offer without mediaMode) is placed at the object', () => {
    const text = 'name: x\nsteps:\n  - bringUp: {}\n  - offer: { callerId: "1" }\n';
    const e = errorOf(text);
    expect(e).toMatchObject({ ...positionOf(text, '{ callerId'), schemaPath: 'steps[1].offer' });
    expect(e.expected).toMatch(/the member "mediaMode" is required/);
  });

  test('a missing top-level member (steps)', () => {
    const e = errorOf('name: x\n');
    expect(e).toMatchObject({ line: 1, col: 1, schemaPath: '' });
    expect(e.expected).toMatch(/the member "steps" is required/);
  });

  test('a wrong enum (expect event: nosuch) is placed at the value and lists the choices', () => {
    const text = 'name: x\nsteps:\n  - expect: { event: nosuch }\n';
    const e = errorOf(text);
    expect(e).toMatchObject({ ...positionOf(text, 'nosuch'), schemaPath: 'steps[0].expect.event' });
    expect(e.expected).toMatch(/^one of "newCall", "callState",.*"violation"/);
  });

  test('a wrong enum in the miniport options and in allowViolations', () => {
    const m = 'name: x\nminiport:\n  outgoing: { progress: [DIALING, SINGING] }\nsteps: []\n';
    expect(errorOf(m)).toMatchObject({ ...positionOf(m, 'SINGING'), schemaPath: 'miniport.outgoing.progress[1]' });
    const a = 'name: x\nallowViolations: [NOPE]\nsteps: []\n';
    const e = errorOf(a);
    expect(e).toMatchObject({ ...positionOf(a, 'NOPE'), schemaPath: 'allowViolations[0]' });
    expect(e.expected).toMatch(/"REQUEST_BEFORE_INITIALIZE"/);
  });

  test('a value of the wrong type', () => {
    const text = 'name: x\nsteps:\n  - wait: soon\n';
    const e = errorOf(text);
    expect(e).toMatchObject({ ...positionOf(text, 'soon'), schemaPath: 'steps[0].wait' });
    expect(e.expected).toMatch(/integer/);
  });

  test('a step with two kinds', () => {
    const text = 'name: x\nsteps:\n  - wait: 1\n  - bringUp: {}\n    wait: 5\n';
    const e = errorOf(text);
    expect(e).toMatchObject({ ...positionOf(text, 'bringUp'), schemaPath: 'steps[1]' });
    expect(e.expected).toMatch(/a step does one thing: found bringUp and wait/);
  });

  test('a step with no kind (only a comment)', () => {
    const text = 'name: x\nsteps:\n  - wait: 1\n  - comment: nothing to do\n';
    const e = errorOf(text);
    expect(e).toMatchObject({ ...positionOf(text, 'comment'), schemaPath: 'steps[1]' });
    expect(e.expected).toMatch(/a step needs one of bringUp, offer, .*repeat/);
  });

  test('a duplicated label is placed at the second label key', () => {
    const text = 'name: x\nsteps:\n  - label: a\n  - wait: 1\n  - label: a\n    wait: 2\n';
    const e = errorOf(text);
    expect(e).toMatchObject({ ...positionOf(text, 'label: a', 2), schemaPath: 'steps[2].label' });
    expect(e.expected).toMatch(/the label "a" is used twice/);
  });

  test('a goto to a label that does not exist', () => {
    const text = 'name: x\nsteps:\n  - label: here\n  - goto: nowhere\n';
    const e = errorOf(text);
    expect(e).toMatchObject({ ...positionOf(text, 'goto'), schemaPath: 'steps[1]' });
    expect(e.expected).toMatch(/"nowhere".*no step has it/);
    const obj = errorOf('name: x\nsteps:\n  - goto: { label: gone, times: 2 }\n');
    expect(obj.expected).toMatch(/"gone"/);
  });

  test('an onTimeout to a label that does not exist, inside a repeat', () => {
    const text = 'name: x\nsteps:\n  - repeat: { times: 2, steps: [ { expect: { event: newCall, onTimeout: zz } } ] }\n';
    const e = errorOf(text);
    expect(e).toMatchObject({ ...positionOf(text, 'onTimeout'), schemaPath: 'steps[0].repeat.steps[0]' });
    expect(e.expected).toMatch(/"zz".*no step has it/);
  });

  test('a goto to a label of another list of steps is refused when loading (the runner only jumps within a list)', () => {
    // docs/scenarios.md: goto "jumps to a label in the same list of steps"; a jump the runner can
    // never make is a malformed scenario (exit 2), not a failed run.
    const text = 'name: x\nsteps:\n  - label: top\n  - repeat: { times: 2, steps: [ { goto: top } ] }\n';
    const e = errorOf(text);
    expect(e).toMatchObject({ schemaPath: 'steps[1].repeat.steps[0]', ...positionOf(text, 'goto') });
    expect(e.expected).toMatch(/"top"/);
  });

  test('a JSON file with an unknown member: the key position', () => {
    const text = '{\n  "name": "x",\n  "steps": [\n    { "offer": { "mediaMode": "DIGITALDATA", "bogus": 1 } }\n  ]\n}\n';
    const e = errorOf(text, 's.json');
    expect(e).toMatchObject({ file: 's.json', ...positionOf(text, '"bogus"'), schemaPath: 'steps[0].offer.bogus' });
    expect(e.expected).toMatch(/unknown member "bogus"/);
  });

  test('a JSON file with a syntax error (missing comma): the position of the next item', () => {
    const text = '{\n  "name": "x",\n  "steps": [\n    { "wait": 5 }\n    { "wait": 6 }\n  ]\n}\n';
    const e = errorOf(text, 's.json');
    expect(e).toMatchObject({ file: 's.json', line: 5, col: 5, schemaPath: '' });
    expect(e.expected).toMatch(/^not valid YAML or JSON: /);
  });

  test('a JSON file with a wrong bracket', () => {
    const text = '{\n  "name": "x",\n  "steps": [\n    { "wait": 5 },\n    { "wait": 6 ]\n}\n';
    const e = errorOf(text, 's.json');
    expect(e).toMatchObject({ ...positionOf(text, ']'), schemaPath: '' });
  });

  test('a JSON file with a negative wait', () => {
    const text = '{\n  "name": "x",\n  "steps": [\n    { "wait": -5 }\n  ]\n}\n';
    const e = errorOf(text, 's.json');
    expect(e).toMatchObject({ ...positionOf(text, '-5'), schemaPath: 'steps[0].wait' });
    expect(e.expected).toMatch(/>= 0/);
  });

  test('text that is not an object', () => {
    expect(errorOf('just text\n')).toMatchObject({ line: 1, col: 1, schemaPath: '', expected: 'a scenario object with name and steps' });
    expect(errorOf('')).toMatchObject({ line: 1, col: 1 });
  });

  test('the schema path quoted in a message points into the published schema', () => {
    // A reader follows "(schema #/...)" into schema/scenario.schema.json; it must exist there.
    const resolve = (pointer: string): unknown =>
      pointer
        .replace(/^#\/?/, '')
        .split('/')
        .filter((p) => p !== '')
        .reduce<unknown>((o, p) => (o as Record<string, unknown> | undefined)?.[p], SCENARIO_SCHEMA);
    const top = errorOf('name: x\nsteps: []\ncolour: red\n');
    const topPointer = /\(schema (#[^)]*)\)/.exec(top.expected)?.[1];
    expect(topPointer).toBeDefined();
    expect(resolve(topPointer!)).toBeDefined();
    const step = errorOf('name: x\nsteps:\n  - offer: { mediaMode: 1, colour: red }\n');
    const stepPointer = /\(schema (#[^)]*)\)/.exec(step.expected)?.[1];
    expect(stepPointer).toBeDefined();
    expect(resolve(stepPointer!)).toBeDefined();
  });

  test('a goto with times: 0 says that times is out of range, not that goto must be a string', () => {
    const text = 'name: x\nsteps:\n  - label: a\n  - goto: { label: a, times: 0 }\n';
    const e = errorOf(text);
    expect(e.schemaPath).toBe('steps[1].goto.times');
    expect(e.expected).toMatch(/>= 1/);
    expect(e.expected).not.toMatch(/must be string/);
  });
});

describe('loadScenario', () => {
  test('a missing file is a ScenarioError naming the file at 1:1', () => {
    const file = join(dir, 'no-such.yaml');
    let err: unknown;
    try {
      loadScenario(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect(err).toMatchObject({ file, line: 1, col: 1, schemaPath: '' });
    expect((err as ScenarioError).expected).toMatch(/no such file/);
    expect((err as ScenarioError).message).toBe(`${file}:1:1: a scenario file (no such file)`);
  });

  test('a directory is a ScenarioError too', () => {
    expect(() => loadScenario(dir)).toThrow(ScenarioError);
    expect(() => loadScenario(dir)).toThrow(/EISDIR/);
  });

  test('an error in a file on disk carries the file name', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'name: x\nsteps:\n  - expect: { event: nosuch }\n');
    expect(() => loadScenario(file)).toThrow(`${file}:3:22: steps[0].expect.event: one of`);
  });
});

describe('resolveValue', () => {
  const none = new Map<string, number>();
  const valueError = (f: () => unknown): ValueError => {
    try {
      f();
    } catch (e) {
      if (e instanceof ValueError) return e;
      throw e;
    }
    throw new Error('a ValueError was expected');
  };

  test('numbers are kept; negative ones become their unsigned 32-bit value', () => {
    expect(resolveValue('mediaMode', 256, none)).toBe(256);
    expect(resolveValue('anything', 0, none)).toBe(0);
    expect(resolveValue('ulParam1', -1, none)).toBe(0xffffffff);
    expect(resolveValue('ulParam1', -2147483648, none)).toBe(0x80000000);
  });

  test('full header names, for any member', () => {
    expect(resolveValue('mediaMode', 'LINEMEDIAMODE_DIGITALDATA', none)).toBe(LINEMEDIAMODE_DIGITALDATA);
    expect(resolveValue('whatever', 'LINEMEDIAMODE_DIGITALDATA', none)).toBe(LINEMEDIAMODE_DIGITALDATA);
    expect(resolveValue('oid', 'OID_TAPI_ANSWER', none)).toBe(OID_TAPI_ANSWER);
    expect(resolveValue('status', 'NDIS_STATUS_TAPI_INVALCALLHANDLE', none)).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
  });

  test('short names by the member\'s family', () => {
    expect(resolveValue('mediaMode', 'DIGITALDATA', none)).toBe(LINEMEDIAMODE_DIGITALDATA);
    expect(resolveValue('mediaModes', 'DIGITALDATA', none)).toBe(LINEMEDIAMODE_DIGITALDATA);
    expect(resolveValue('state', 'OFFERING', none)).toBe(LINECALLSTATE_OFFERING);
    expect(resolveValue('mode', 'NORMAL', none)).toBe(LINEDISCONNECTMODE_NORMAL);
    expect(resolveValue('mode', 'STATION', none)).toBe(LINEBUSYMODE_STATION);
    expect(resolveValue('status', 'SUCCESS', none)).toBe(NDIS_STATUS_SUCCESS);
  });

  test('a short name outside its family\'s member is unknown', () => {
    const e = valueError(() => resolveValue('callerId', 'DIGITALDATA', none));
    expect(e.message).toMatch(/^callerId: unknown constant "DIGITALDATA"/);
    const s = valueError(() => resolveValue('mediaMode', 'OFFERING', none));
    expect(s.message).toMatch(/^mediaMode: unknown constant "OFFERING" \(a LINEMEDIAMODE name was expected\)/);
  });

  test('A|B bit sets, short or full names, with or without spaces', () => {
    const both = (LINEMEDIAMODE_DIGITALDATA | LINEMEDIAMODE_INTERACTIVEVOICE) >>> 0;
    expect(resolveValue('mediaMode', 'DIGITALDATA|INTERACTIVEVOICE', none)).toBe(both);
    expect(resolveValue('mediaMode', 'DIGITALDATA | INTERACTIVEVOICE', none)).toBe(both);
    expect(resolveValue('mediaMode', 'DIGITALDATA|LINEMEDIAMODE_INTERACTIVEVOICE', none)).toBe(both);
    expect(resolveValue('ulParam3', 'LINEMEDIAMODE_DIGITALDATA|LINEMEDIAMODE_INTERACTIVEVOICE', none)).toBe(both);
  });

  test('$var lookups', () => {
    const vars = new Map([['call', 0x7f000010], ['zero', 0]]);
    expect(resolveValue('htCall', '$call', vars)).toBe(0x7f000010);
    expect(resolveValue('htCall', '$zero', vars)).toBe(0);
  });

  test('an uncaptured $var is a ValueError naming the member and the variable', () => {
    const e = valueError(() => resolveValue('htCall', '$nope', new Map([['call', 1]])));
    expect(e.message).toBe('htCall: $nope has not been captured yet');
  });

  test('an unknown name is a ValueError naming the member, the name and the family expected', () => {
    const e = valueError(() => resolveValue('mediaMode', 'NOSUCHMODE', none));
    expect(e.message).toBe('mediaMode: unknown constant "NOSUCHMODE" (a LINEMEDIAMODE name was expected)');
    const m = valueError(() => resolveValue('mode', 'SOMETIMES', none));
    expect(m.message).toMatch(/^mode: unknown constant "SOMETIMES" \(a LINEDISCONNECTMODE or LINEBUSYMODE or LINEDIALTONEMODE name was expected\)/);
    const plain = valueError(() => resolveValue('ulFoo', 'NOT_A_CONSTANT', none));
    expect(plain.message).toBe('ulFoo: unknown constant "NOT_A_CONSTANT"');
  });

  test('in a bit set, the unknown part is the one named', () => {
    const e = valueError(() => resolveValue('mediaMode', 'DIGITALDATA|NOSUCH', none));
    expect(e.message).toMatch(/^mediaMode: /);
    expect(e.message).toMatch(/"NOSUCH"/);
    expect(e.message).not.toMatch(/"DIGITALDATA"/);
  });

  test('values that are neither numbers nor strings are a ValueError', () => {
    expect(valueError(() => resolveValue('mediaMode', true, none)).message).toBe('mediaMode: expected a number, a constant name or $name, found true');
    expect(valueError(() => resolveValue('state', null, none)).message).toMatch(/^state: .*found null/);
  });
});

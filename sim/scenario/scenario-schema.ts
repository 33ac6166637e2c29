import { RULES } from '../../ndistapi/verifier/rules.js';
import { TAPI_FUNCTIONS } from './tapi-steps.js';
import { FAULTY_NAMES } from '../../miniport/faulty/index.js';

/*
 * The JSON Schema of scenario files (draft-07, which editors' YAML and JSON plugins read).
 * `npm run gen:schema` writes it to schema/scenario.schema.json, where a unit test keeps it
 * equal to this object; scenario files point at it with `# yaml-language-server: $schema=...`
 * or `"$schema"`.
 */

const value = {
  description: 'A number, a constant name (LINEMEDIAMODE_DIGITALDATA, or DIGITALDATA where the member says the family), or $name of a captured value.',
  oneOf: [{ type: 'integer', minimum: -2147483648 }, { type: 'string', minLength: 1 }],
};
const variable = { type: 'string', pattern: '^\\$[A-Za-z_][A-Za-z0-9_]*$', description: 'A captured value: $name.' };
const name = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' };
const labelName = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_-]*$' };
const ms = { type: 'integer', minimum: 0, description: 'Milliseconds on the clock in use.' };
const values = { type: 'object', additionalProperties: value };
const captures = {
  type: 'object',
  description: 'name: member — keeps the member\'s value as $name.',
  additionalProperties: { type: 'string', minLength: 1 },
};
const callRef = { type: 'object', required: ['call'], additionalProperties: false, properties: { call: variable } };

const EVENTS = ['newCall', 'callState', 'callInfo', 'lineDevState', 'addressState', 'lineClose', 'lineUp', 'lineDown', 'other', 'completion', 'violation', 'tapi'];

export const STEP_KINDS = [
  'bringUp', 'offer', 'answer', 'busy', 'fail', 'hangUp', 'request', 'makeCall', 'expect', 'wait', 'policy', 'complete', 'goto', 'repeat', 'load', 'fault', 'app', 'tapi',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

const stepProperties: Record<StepKind | 'label' | 'comment', object> = {
  label: { ...labelName, description: 'A name `goto` and `onTimeout` jump to.' },
  comment: { type: 'string' },
  bringUp: {
    type: 'object',
    additionalProperties: false,
    description: 'OID_WAN_GET_INFO, PROVIDER_INITIALIZE, OPEN, SET_STATUS_MESSAGES and SET_DEFAULT_MEDIA_DETECTION: a line ready for calls.',
    properties: {
      device: { type: 'integer', minimum: 0 },
      mediaModes: { oneOf: [value, { type: 'array', items: value, minItems: 1 }] },
      lineStates: value,
      as: { ...name, description: 'Captures the line\'s htLine as $as.' },
    },
  },
  offer: {
    type: 'object',
    required: ['mediaMode'],
    additionalProperties: false,
    description: 'The far end calls: LINE_NEWCALL and OFFERING when the line detects the media mode.',
    properties: {
      line: { type: 'integer', minimum: 0 },
      address: { type: 'integer', minimum: 0 },
      mediaMode: value,
      callerId: { type: 'string' },
      calledId: { type: 'string' },
      as: { ...name, description: 'Captures the call\'s htCall as $as.' },
      refused: { type: 'boolean', description: 'The offer is expected not to be indicated.' },
    },
  },
  answer: { ...callRef, description: 'The far end answers an outgoing call.' },
  busy: { ...callRef, description: 'The far end is busy.' },
  hangUp: { ...callRef, description: 'The far end hangs up.' },
  fail: {
    type: 'object',
    required: ['call', 'why'],
    additionalProperties: false,
    properties: { call: variable, why: { enum: ['noanswer', 'reject', 'unreachable'] } },
  },
  request: {
    type: 'object',
    required: ['oid'],
    additionalProperties: false,
    description: 'An OID request from NDISTAPI. Waits for its final status unless `async`.',
    properties: {
      oid: value,
      call: variable,
      line: { oneOf: [variable, { type: 'integer', minimum: 0 }] },
      fields: values,
      reserve: { type: 'integer', minimum: 0, maximum: 1048576, description: 'Bytes reserved for a variable-size OUT structure.' },
      length: { type: 'integer', minimum: 0, maximum: 1048576, description: 'Sends only the first `length` bytes of the buffer (a short buffer).' },
      status: { ...value, description: 'The status expected (default NDIS_STATUS_SUCCESS; `any` for no check).' },
      async: { type: 'boolean' },
      capture: captures,
      timeout: ms,
      as: { ...name, description: 'Captures the request id as $as.' },
    },
  },
  makeCall: {
    type: 'object',
    required: ['to'],
    additionalProperties: false,
    properties: {
      line: { oneOf: [variable, { type: 'integer', minimum: 0 }] },
      to: { type: 'string' },
      params: values,
      status: value,
      as: { ...name, description: 'Captures the new call\'s htCall as $as.' },
    },
  },
  expect: {
    type: 'object',
    required: ['event'],
    description: 'Waits for an event that matches every other member given (a value, or $name).',
    properties: {
      event: { enum: EVENTS },
      capture: captures,
      timeout: ms,
      optional: { type: 'boolean' },
      none: { type: 'boolean', description: 'The event must NOT come within the timeout.' },
      onTimeout: labelName,
    },
    additionalProperties: value,
  },
  wait: { ...ms, description: 'Lets time pass.' },
  policy: {
    type: 'object',
    required: ['mode'],
    additionalProperties: false,
    description: 'How the miniport answers: for one OID, for the next request, or for all.',
    properties: {
      oid: value,
      next: { type: 'boolean' },
      mode: { enum: ['sync', 'pend', 'hold', 'force'] },
      delayMs: ms,
      status: value,
      pend: { type: 'boolean' },
    },
  },
  complete: {
    oneOf: [{ type: 'boolean', const: true }, { type: 'object', additionalProperties: false, properties: { request: variable } }],
    description: 'Completes a held request (the oldest, or $request).',
  },
  goto: {
    oneOf: [labelName, { type: 'object', required: ['label'], additionalProperties: false, properties: { label: labelName, times: { type: 'integer', minimum: 1 } } }],
  },
  load: {
    type: 'object',
    required: ['rate', 'for'],
    additionalProperties: false,
    description: 'Call-rate load: the far end offers calls at `rate` for `for`, at most `maxConcurrent` live; each runs `flow` (steps, with $call its htCall) or the built-in `call`. Waits until every call is done.',
    properties: {
      rate: { oneOf: [{ type: 'number', exclusiveMinimum: 0 }, { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*/\\s*(s|sec|min|m)\\s*$' }], description: 'Calls per second (500, "500/s", "30/min").' },
      for: { oneOf: [ms, { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|min)\\s*$' }], description: 'How long offers go on ("60s", "500ms", or ms).' },
      maxConcurrent: { type: 'integer', minimum: 1 },
      timeout: ms,
      offer: {
        type: 'object',
        additionalProperties: false,
        description: 'What each offered call is (with `flow`).',
        properties: { line: { type: 'integer', minimum: 0 }, mediaMode: value },
      },
      flow: { $ref: '#/definitions/steps', description: 'The steps each call runs, concurrently with the others; $call is its htCall.' },
      call: {
        type: 'object',
        additionalProperties: false,
        properties: {
          line: { type: 'integer', minimum: 0 },
          mediaMode: value,
          accept: { type: 'boolean' },
          answerAfterMs: ms,
          holdMs: ms,
          hangUp: { enum: ['remote', 'local'] },
        },
      },
    },
  },
  fault: {
    type: 'object',
    required: ['action', 'event'],
    additionalProperties: false,
    description: 'Drops or duplicates the next matching status indications before NDISTAPI sees them.',
    properties: {
      action: { enum: ['drop', 'duplicate'] },
      event: { enum: ['newCall', 'callState', 'callInfo', 'lineUp', 'lineDown', 'any'] },
      state: value,
      times: { type: 'integer', minimum: 1 },
    },
  },
  app: {
    type: 'object',
    required: ['name'],
    additionalProperties: false,
    description: 'A TAPI application on the TAPI server model (started, with the provider, at the first one): lineInitialize, and lineOpen with `open`. Its messages are `event: tapi` with `app: <name>`.',
    properties: {
      name: name,
      module: { type: 'string', minLength: 1, description: 'Its module name, which the handoff priority lists name (default <name>.exe).' },
      initContext: value,
      priorities: {
        type: 'object',
        description: 'Handoff priority lists, set when the server starts: media mode -> module names, highest first.',
        additionalProperties: { type: 'array', items: { type: 'string', minLength: 1 } },
      },
      open: {
        type: 'object',
        required: ['privileges'],
        additionalProperties: false,
        properties: {
          line: { type: 'integer', minimum: 0 },
          privileges: value,
          mediaModes: value,
          context: value,
          as: { ...name, description: 'Captures the hLine as $as.' },
        },
      },
    },
  },
  tapi: {
    type: 'object',
    required: ['app', 'do'],
    additionalProperties: false,
    description: 'A TAPI function called as an application; its immediate result is checked (a request id for asynchronous ones, LINE_REPLY follows as an event).',
    properties: {
      app: name,
      do: { enum: [...TAPI_FUNCTIONS] },
      call: value,
      to: { type: 'string', description: 'The destination of makeCall, blindTransfer, redirect.' },
      privilege: value,
      mediaMode: value,
      target: { type: 'string', description: 'handoff: the module name of the target application.' },
      requestId: value,
      result: { ...value, description: 'The expected immediate result (a LINEERR_ name, or a number); a success when not given.' },
      as: { ...name, description: 'Captures the result (a request id, or the first handle of getNewCalls) as $as.' },
    },
  },
  repeat: {
    type: 'object',
    required: ['times', 'steps'],
    additionalProperties: false,
    properties: { times: { type: 'integer', minimum: 1 }, steps: { $ref: '#/definitions/steps' } },
  },
};

export const SCENARIO_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://github.com/wanemu/wanemu/schema/scenario.schema.json',
  title: 'wanemu scenario',
  description: 'A call flow run by `wanemu run` against a miniport (docs/scenarios.md).',
  type: 'object',
  required: ['name', 'steps'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    miniport: {
      type: 'object',
      additionalProperties: false,
      description: 'The simulated miniport\'s configuration.',
      properties: {
        abi: { enum: ['x64', 'x86'] },
        variant: { enum: ['wdk', 'ddk'] },
        lines: { type: 'integer', minimum: 1, maximum: 1024 },
        addressesPerLine: { type: 'integer', minimum: 1, maximum: 64 },
        callsPerAddress: { type: 'integer', minimum: 1 },
        offerTimeoutMs: ms,
        extVersion: { type: 'integer', minimum: 0 },
        outgoing: {
          type: 'object',
          additionalProperties: false,
          properties: {
            progress: { type: 'array', items: { enum: ['DIALING', 'PROCEEDING', 'RINGBACK'] }, minItems: 1 },
            stepMs: ms,
            outcome: { enum: ['answer', 'busy', 'noanswer', 'reject', 'unreachable', 'manual'] },
            byAddress: { type: 'object', additionalProperties: { enum: ['answer', 'busy', 'noanswer', 'reject', 'unreachable', 'manual'] } },
          },
        },
      },
    },
    allowViolations: { type: 'array', items: { enum: RULES.map((r) => r.id) }, description: 'Verifier rules this scenario breaks on purpose.' },
    faulty: { enum: [...FAULTY_NAMES], description: 'Runs against a deliberately broken variant of the simulated miniport (docs/explore.md).' },
    steps: { $ref: '#/definitions/steps' },
  },
  definitions: {
    steps: { type: 'array', items: { $ref: '#/definitions/step' } },
    step: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: stepProperties,
    },
  },
} as const;

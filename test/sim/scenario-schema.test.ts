import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { SCENARIO_SCHEMA } from '../../sim/scenario/scenario-schema.js';

describe('schema/scenario.schema.json', () => {
  const published = JSON.parse(readFileSync(join(__dirname, '..', '..', 'schema', 'scenario.schema.json'), 'utf8')) as unknown;

  test('is the schema the loader checks with (run `npm run gen:schema` after changing it)', () => {
    expect(published).toEqual(SCENARIO_SCHEMA);
  });

  test('is a valid draft-07 schema that accepts a minimal scenario and refuses a step with an unknown kind', () => {
    const validate = new Ajv({ strict: false }).compile(published as object);
    expect(validate({ name: 'n', steps: [{ offer: { mediaMode: 'DIGITALDATA' } }] })).toBe(true);
    expect(validate({ name: 'n', steps: [{ dance: {} }] })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ keyword: 'additionalProperties', params: { additionalProperty: 'dance' } });
  });
});

import { InvalidParameterError } from '../shared/domain-error.js';
import { customAttributes, declareSchema, effectiveSchema, STANDARD_SCHEMA } from './schema.js';

describe('pool schema', () => {
  test('with nothing declared, the schema is Cognito standard attributes with their defaults', () => {
    const schema = effectiveSchema([]);
    expect(schema).toEqual(STANDARD_SCHEMA);
    expect(schema.find((a) => a.name === 'sub')).toEqual({ name: 'sub', dataType: 'String', mutable: false, required: true, minLength: 1, maxLength: 2048 });
    expect(schema.find((a) => a.name === 'email_verified')).toMatchObject({ dataType: 'Boolean', required: false });
    expect(schema.find((a) => a.name === 'updated_at')).toMatchObject({ dataType: 'Number', minValue: 0 });
  });

  test('a standard name overrides that attribute; any other name declares a custom one', () => {
    const declared = declareSchema([
      { name: 'email', required: true, mutable: false },
      { name: 'tier', dataType: 'String', minLength: 1, maxLength: 8 },
      { name: 'age', dataType: 'Number', minValue: 0, maxValue: 150 },
    ]);
    expect(declared).toEqual([
      { name: 'email', dataType: 'String', mutable: false, required: true, minLength: 0, maxLength: 2048 },
      { name: 'custom:tier', dataType: 'String', mutable: true, required: false, minLength: 1, maxLength: 8 },
      { name: 'custom:age', dataType: 'Number', mutable: true, required: false, minValue: 0, maxValue: 150 },
    ]);
    const schema = effectiveSchema(declared);
    expect(schema.find((a) => a.name === 'email')?.required).toBe(true);
    expect(schema.slice(-2).map((a) => a.name)).toEqual(['custom:tier', 'custom:age']);
  });

  test.each([
    ['a required custom attribute', [{ name: 'tier', required: true }], 'Required custom attributes are not supported currently.'],
    ['a standard attribute of another type', [{ name: 'email', dataType: 'Number' as const }], 'The standard attribute email is of type String, not Number.'],
    ['a platform attribute', [{ name: 'sub', required: false }], 'The standard attribute sub cannot be configured.'],
    ['a name declared twice', [{ name: 'tier' }, { name: 'tier' }], 'Duplicate attribute in the schema: custom:tier'],
    ['a name over 20 characters', [{ name: 'x'.repeat(21) }], `Invalid custom attribute name: ${'x'.repeat(21)}`],
    ['lengths the wrong way round', [{ name: 'tier', minLength: 5, maxLength: 2 }], /Invalid StringAttributeConstraints for custom:tier/],
    ['a length over 2048', [{ name: 'tier', maxLength: 4096 }], /Invalid StringAttributeConstraints/],
    ['values the wrong way round', [{ name: 'n', dataType: 'Number' as const, minValue: 3, maxValue: 1 }], /Invalid NumberAttributeConstraints/],
  ])('%s is refused', (_what, inputs, message) => {
    expect(() => declareSchema(inputs)).toThrow(InvalidParameterError);
    expect(() => declareSchema(inputs)).toThrow(message);
  });

  test('at most 50 custom attributes', () => {
    expect(() => declareSchema(Array.from({ length: 51 }, (_, i) => ({ name: `a${i}` })))).toThrow('A user pool can have at most 50 custom attributes.');
  });

  test('AddCustomAttributes prefixes every name, even a standard one, and defaults to a mutable String', () => {
    expect(customAttributes([{ name: 'email' }, { name: 'joined', dataType: 'DateTime', mutable: false }])).toEqual([
      { name: 'custom:email', dataType: 'String', mutable: true, required: false },
      { name: 'custom:joined', dataType: 'DateTime', mutable: false, required: false },
    ]);
  });
});

import { InvalidParameterError } from '../shared/domain-error.js';
import { customAttributes, declareSchema, effectiveSchema, STANDARD_SCHEMA } from './schema.js';

const S = 'String' as const;

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
      { name: 'tier', dataType: S, minLength: 1, maxLength: 8 },
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
    ['a custom attribute without a type', [{ name: 'tier' }], 'Invalid AttributeDataType input, consider using the provided AttributeDataType enum.'],
    ['a required custom attribute', [{ name: 'tier', dataType: S, required: true }], 'Required custom attributes are not supported currently.'],
    [
      'a standard attribute of another type',
      [{ name: 'email', dataType: 'Number' as const }],
      'You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email',
    ],
    [
      'a developer-only standard attribute',
      [{ name: 'email', developerOnly: true }],
      'You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email',
    ],
    ['a platform attribute', [{ name: 'sub', required: false }], 'The standard attribute sub cannot be configured.'],
    [
      'a name declared twice',
      [
        { name: 'tier', dataType: S },
        { name: 'tier', dataType: S },
      ],
      'Duplicate attribute in the schema: custom:tier',
    ],
    ['a name over 20 characters', [{ name: 'x'.repeat(21), dataType: S }], `Invalid custom attribute name: ${'x'.repeat(21)}`],
    [
      'a length that is not an integer',
      [{ name: 'tier', dataType: S, minLength: Number.NaN }],
      'Invalid StringAttributeConstraints for schema attribute custom:tier',
    ],
    [
      'lengths the wrong way round',
      [{ name: 'tier', dataType: S, minLength: 5, maxLength: 2 }],
      'user.custom:tier: Max length cannot be less than min length.',
    ],
    ['a length over 2048', [{ name: 'tier', dataType: S, maxLength: 4096 }], 'user.custom:tier: String attributes cannot have a length of more than 2048'],
    [
      'a value that is not an integer',
      [{ name: 'n', dataType: 'Number' as const, minValue: 1.5 }],
      'Invalid NumberAttributeConstraints for schema attribute custom:n',
    ],
    [
      'values the wrong way round',
      [{ name: 'n', dataType: 'Number' as const, minValue: 3, maxValue: 1 }],
      'user.custom:n: Max value cannot be less than min value.',
    ],
  ])('%s is refused', (_what, inputs, message) => {
    expect(() => declareSchema(inputs)).toThrow(InvalidParameterError);
    expect(() => declareSchema(inputs)).toThrow(message);
  });

  test('at most 50 custom attributes', () => {
    expect(() => declareSchema(Array.from({ length: 51 }, (_, i) => ({ name: `a${i}`, dataType: S })))).toThrow(
      'A user pool can have at most 50 custom attributes.',
    );
  });

  test('AddCustomAttributes prefixes every name, even a standard one; mutable by default', () => {
    expect(
      customAttributes([
        { name: 'email', dataType: S },
        { name: 'joined', dataType: 'DateTime', mutable: false },
      ]),
    ).toEqual([
      { name: 'custom:email', dataType: 'String', mutable: true, required: false },
      { name: 'custom:joined', dataType: 'DateTime', mutable: false, required: false },
    ]);
  });

  test('a developer-only attribute is dev:custom:<name>; a name the pool has is refused first', () => {
    expect(customAttributes([{ name: 'score', dataType: 'Number', developerOnly: true }])).toEqual([
      { name: 'dev:custom:score', dataType: 'Number', mutable: true, required: false, developerOnly: true },
    ]);
    expect(() => customAttributes([{ name: 'tier' }], new Set(['custom:tier']))).toThrow('custom:tier: Existing attribute already has name custom:tier.');
  });
});

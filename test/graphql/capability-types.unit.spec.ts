import { writeFile } from 'node:fs/promises';
import * as cognitoIdentity from '@aws-sdk/client-cognito-identity';
import * as cognitoIdp from '@aws-sdk/client-cognito-identity-provider';
import { CAPABILITIES } from '../../src/api/rest/capabilities.js';
import { CAPABILITY_TYPES } from '../../src/api/graphql/capability-types.generated.js';

/**
 * The GraphQL object types of the capability fields' answers come from Cognito's own service
 * models, as the AWS SDK ships them (each operation's output schema): this test derives them and
 * checks src/api/graphql/capability-types.generated.ts is what it derives. After an SDK upgrade or
 * a new capability row, regenerate it with
 *   WRITE_API_DOCS=1 npm run jest -- test/graphql/capability-types.unit.spec.ts
 * then `npx prettier --write` the file and `npm run api-docs:write` (docs/schema.graphql).
 */
const FILE = 'src/api/graphql/capability-types.generated.ts';
const write = process.env.WRITE_API_DOCS === '1';

type Ref = number | (() => unknown) | [Ref, number] | unknown[];
const SERVICES: Array<{ prefix: string; module: Record<string, unknown> }> = [
  { prefix: 'Cognito', module: cognitoIdp as unknown as Record<string, unknown> },
  { prefix: 'CognitoIdentity', module: cognitoIdentity as unknown as Record<string, unknown> },
];

/** Object (or input object) types from the SDK's schemas: each structure once, by name, its members' GraphQL types. */
function shapes(suffix: string) {
  const types: Record<string, Record<string, string>> = {};
  const origin = new Map<string, unknown>();

  function typeOf(ref: Ref, prefix: string): string {
    if (typeof ref === 'function') return typeOf(ref() as Ref, prefix);
    if (typeof ref === 'number') {
      if (ref & 64) return `[${typeOf(ref & ~64, prefix)}]`;
      if (ref & 128) return 'JSON';
      if (ref === 1) return 'Float';
      if (ref === 2) return 'Boolean';
      if (ref === 15) return 'JSON';
      // 0 string (enums too), 4-7 timestamps are epoch seconds: Float.
      if (ref >= 4 && ref <= 7) return 'Float';
      return 'String';
    }
    const schema = ref;
    // A member with traits: [ref, traits].
    if (schema.length === 2) return typeOf(schema[0] as Ref, prefix);
    switch (schema[0]) {
      case 0:
        return typeOf(schema[4] as Ref, prefix);
      case 1:
        return `[${typeOf(schema[4] as Ref, prefix)}]`;
      case 2:
        return 'JSON';
      case 3:
      case 4:
        return structure(schema, prefix);
      default:
        throw new Error(`unknown schema kind ${String(schema[0])} (${String(schema[2])})`);
    }
  }

  function structure(schema: unknown[], prefix: string, only?: readonly string[]): string {
    // cognito-identity's request shapes end in Input already.
    const name = `${prefix}${suffix ? String(schema[2]).replace(/Input$/, '') : String(schema[2])}${suffix}`;
    if (origin.has(name)) {
      if (origin.get(name) !== schema) throw new Error(`two shapes named ${name}`);
      return name;
    }
    origin.set(name, schema);
    const members: Record<string, string> = {};
    types[name] = members;
    const names = schema[4] as string[];
    const refs = schema[5] as Ref[];
    names.forEach((member, i) => {
      if (!only || only.includes(member)) members[member] = typeOf(refs[i], prefix);
    });
    return name;
  }
  return { types, structure };
}

/**
 * Derives from the SDKs' operation schemas: `types`, the answers' object types (member → GraphQL
 * type), `answers`, an action's answer type; `inputs`, the input object types, and `arguments`, an
 * action's `input` type: its input members less those the path, the token or the page fill.
 */
function derive() {
  const output = shapes('');
  const input = shapes('Input');
  const answers: Record<string, string> = {};
  const args: Record<string, string> = {};
  for (const c of CAPABILITIES) {
    const service = SERVICES.find((s) => `${c.action}$` in s.module);
    if (!service) continue; // Not a Cognito operation (IAM's role documents): its answer and input stay JSON.
    const operation = service.module[`${c.action}$`] as unknown[];
    if (c.body) {
      const members = Object.keys(c.body.shape);
      const schema = (operation[4] as () => unknown[])();
      const missing = members.filter((m) => !(schema[4] as string[]).includes(m));
      if (missing.length) throw new Error(`${c.action}: ${missing.join(', ')} not in Cognito's input`);
      args[c.action] = input.structure(schema, service.prefix, members);
    }
    const out = (operation[5] as () => unknown[] | 'unit')();
    if (!Array.isArray(out)) {
      answers[c.action] = 'Boolean'; // Smithy's Unit: no output.
      continue;
    }
    const name = output.structure(out, service.prefix);
    if (c.page) {
      // The next page's token is `nextCursor` in this surface.
      const { [c.page.cursor]: _token, ...rest } = output.types[name];
      output.types[name] = { ...rest, nextCursor: 'String' };
    }
    answers[c.action] = Object.keys(output.types[name]).length === 0 ? 'Boolean' : name;
  }
  // Empty structures are no GraphQL object type: their actions answer Boolean.
  for (const [name, members] of Object.entries(output.types)) if (Object.keys(members).length === 0) delete output.types[name];
  const sorted = <T>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { types: sorted(output.types), answers: sorted(answers), inputs: sorted(input.types), arguments: sorted(args) };
}

function render(derived: ReturnType<typeof derive>): string {
  return (
    '// Generated by test/graphql/capability-types.unit.spec.ts from the AWS SDK service models (WRITE_API_DOCS=1): do not edit.\n' +
    "/** The capability fields' GraphQL types: object type → member → GraphQL type; action → its answer type; input object types; action → its input type. */\n" +
    'export const CAPABILITY_TYPES: {\n  types: Record<string, Record<string, string>>;\n  answers: Record<string, string>;\n  inputs: Record<string, Record<string, string>>;\n  arguments: Record<string, string>;\n} = ' +
    `${JSON.stringify(derived, null, 2)};\n`
  );
}

describe('capability answer types', () => {
  test(`${FILE} is derived from the SDK's service models`, async () => {
    const derived = derive();
    if (write) await writeFile(FILE, render(derived));
    expect(CAPABILITY_TYPES.answers).toEqual(derived.answers);
    expect(CAPABILITY_TYPES.types).toEqual(derived.types);
    expect(CAPABILITY_TYPES.inputs).toEqual(derived.inputs);
    expect(CAPABILITY_TYPES.arguments).toEqual(derived.arguments);
    // Every Cognito action with a body takes a typed input.
    expect(Object.keys(derived.arguments).sort()).toEqual(
      CAPABILITIES.filter((c) => c.body && c.action in derived.answers)
        .map((c) => c.action)
        .sort(),
    );
    expect(derived.inputs.CognitoSetUserPoolMfaConfigRequestInput).toEqual({
      SmsMfaConfiguration: 'CognitoSmsMfaConfigTypeInput',
      SoftwareTokenMfaConfiguration: 'CognitoSoftwareTokenMfaConfigTypeInput',
      EmailMfaConfiguration: 'CognitoEmailMfaConfigTypeInput',
      WebAuthnConfiguration: 'CognitoWebAuthnConfigurationTypeInput',
      MfaConfiguration: 'String',
    });
    // Every Cognito action of the table has an object type or Boolean; only IAM's role documents stay JSON.
    const untyped = CAPABILITIES.filter((c) => !(c.action in derived.answers)).map((c) => c.action);
    expect(untyped.sort()).toEqual(
      [
        'CreateRole',
        'DeleteRole',
        'DeleteRolePolicy',
        'GetRole',
        'GetRolePolicy',
        'ListRolePolicies',
        'ListRoles',
        'PutRolePolicy',
        'UpdateAssumeRolePolicy',
        'UpdateRole',
      ].sort(),
    );
    expect(derived.types.CognitoGetUserPoolMfaConfigResponse).toMatchObject({
      MfaConfiguration: 'String',
      SoftwareTokenMfaConfiguration: 'CognitoSoftwareTokenMfaConfigType',
    });
    expect(derived.types.CognitoAdminListDevicesResponse).toEqual({ Devices: '[CognitoDeviceType]', nextCursor: 'String' });
  });
});

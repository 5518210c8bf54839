import {
  GraphQLError,
  type GraphQLNamedType,
  type GraphQLSchema,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  getNamedType,
  isInterfaceType,
  isObjectType,
} from 'graphql';

/** A list field's size when `first` is left out or given as a variable: the largest page. */
export const DEFAULT_PAGE = 60;
/** What one operation may cost: about ten full pages of users with their attributes. */
export const MAX_COST = 5000;
/** How deep a selection may nest (mercurius' queryDepth); the schema itself needs 4. */
export const MAX_DEPTH = 8;

/**
 * Refuses an operation whose cost exceeds `max` before anything runs: each field costs 1, and a
 * field that takes `first` (a page) multiplies what is selected under it by the page size. Aliases
 * count each time, so repeating one expensive field under many aliases is refused too.
 */
export function costLimit(max = MAX_COST): ValidationRule {
  return (context: ValidationContext) => ({
    OperationDefinition(node) {
      const schema = context.getSchema();
      const root = node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
      if (!root) return;
      const cost = selectionCost(context, schema, node.selectionSet, root, new Set());
      if (cost > max) {
        context.reportError(
          new GraphQLError(`The operation costs ${cost}, more than the limit of ${max}: ask for smaller pages or fewer fields`, {
            nodes: [node],
            extensions: { code: 'QueryTooComplexException', cost, max },
          }),
        );
      }
    },
  });
}

function selectionCost(context: ValidationContext, schema: GraphQLSchema, set: SelectionSetNode, parent: GraphQLNamedType, visiting: Set<string>): number {
  let total = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      const fields = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields() : {};
      const def = fields[selection.name.value];
      // Unknown fields are another rule's error; introspection fields cost 1.
      if (!def) {
        total += 1;
        continue;
      }
      let multiplier = 1;
      if (def.args.some((a) => a.name === 'first')) {
        const given = selection.arguments?.find((a) => a.name.value === 'first')?.value;
        multiplier = given?.kind === Kind.INT ? Math.max(1, Number(given.value)) : DEFAULT_PAGE;
      }
      total += 1 + (selection.selectionSet ? multiplier * selectionCost(context, schema, selection.selectionSet, getNamedType(def.type), visiting) : 0);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
      total += selectionCost(context, schema, selection.selectionSet, type ?? parent, visiting);
    } else {
      const name = selection.name.value;
      const fragment = context.getFragment(name);
      // A cycle is NoFragmentCyclesRule's error; it must not loop here.
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      total += selectionCost(context, schema, fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? parent, visiting);
      visiting.delete(name);
    }
  }
  return total;
}

/**
 * Document limits (graphql-armor): how many aliases, how deep, how many
 * tokens and directives one operation may have. Each root mutation field is
 * a call to Tencent, or a batch of them; the alias limit bounds the fields,
 * and the batch resolver bounds the calls of one operation together
 * (`maxBatchItems`). The others bound parsing and validation work.
 */
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { DocumentLimits } from '../../config/index.js';

/**
 * Armor words a broken limit as a "Syntax Error"; throw it as the validation error it is instead. Throwing (not
 * reporting) stops validation there, so the rest of an oversized document is never walked. The token limit is
 * checked while parsing, with no validation context, so it keeps armor's own error.
 */
const asValidationError = {
  propagateOnRejection: false,
  onReject: [
    (_context: ValidationContext | null, error: GraphQLError) => {
      throw new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
      });
    },
  ],
};

export function useDocumentLimits(limits: DocumentLimits): Plugin {
  return EnvelopArmorPlugin({
    maxAliases: { n: limits.aliases, ...asValidationError },
    maxDepth: { n: limits.depth, ...asValidationError },
    maxTokens: { n: limits.tokens },
    maxDirectives: { n: limits.directives, ...asValidationError },
    // Our own root fields are the costly part and the alias limit bounds them; field costs add nothing here.
    costLimit: { enabled: false },
    // Armor hides field suggestions only; echo-free-errors.ts hides every kind, from every phase.
    blockFieldSuggestion: { enabled: false },
  }) as Plugin;
}

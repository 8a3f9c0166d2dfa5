/**
 * Document limits (graphql-armor): how many aliases, how deep, how many
 * tokens and directives one operation may have. Each root mutation field is
 * a call to Tencent, so the alias limit is what stops one document from
 * cancelling a hundred things at once; the others bound parsing and
 * validation work.
 */
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { Plugin } from 'graphql-yoga';

export interface DocumentLimits {
  aliases: number;
  depth: number;
  tokens: number;
  directives: number;
}

/** Far above what the example operations use (0 aliases, depth 3, 141 tokens, 0 directives). */
export const DEFAULT_DOCUMENT_LIMITS: DocumentLimits = { aliases: 5, depth: 6, tokens: 1000, directives: 10 };

export function useDocumentLimits(limits: DocumentLimits, options: { hideSuggestions: boolean }): Plugin {
  return EnvelopArmorPlugin({
    maxAliases: { n: limits.aliases },
    maxDepth: { n: limits.depth },
    maxTokens: { n: limits.tokens },
    maxDirectives: { n: limits.directives },
    // Our own root fields are the costly part and the alias limit bounds them; field costs add nothing here.
    costLimit: { enabled: false },
    // "Did you mean …?" would reveal the schema that disabled introspection hides.
    blockFieldSuggestion: { enabled: options.hideSuggestions },
  }) as Plugin;
}

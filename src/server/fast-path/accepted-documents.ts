/**
 * The documents yoga has parsed and validated, by their exact text: the only
 * ones the fast path runs. Validation depends on the document and the schema
 * alone (the limits and the introspection switch are fixed at start-up), so
 * a text yoga accepted once it would accept again.
 */
import type { DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** As many as yoga's own parse cache holds. */
const CAPACITY = 1_000;

export class AcceptedDocuments {
  readonly #documents = new Map<string, DocumentNode>();
  readonly #texts = new WeakMap<DocumentNode, string>();

  get(text: string): DocumentNode | undefined {
    return this.#documents.get(text);
  }

  /** Records each document's text as it is parsed, and the document once it passes validation. */
  readonly plugin: Plugin = {
    onParse: ({ params }) => {
      const text = typeof params.source === 'string' ? params.source : params.source.body;
      return ({ result }) => {
        if (result && !(result instanceof Error)) this.#texts.set(result, text);
      };
    },
    onValidate:
      ({ params }) =>
      ({ valid }) => {
        const text = this.#texts.get(params.documentAST);
        if (valid && text !== undefined) this.#accept(text, params.documentAST);
      },
  };

  #accept(text: string, document: DocumentNode): void {
    if (this.#documents.has(text)) return;
    // Oldest first: a client cycling through new texts only ever pushes out texts, never grows the map.
    if (this.#documents.size >= CAPACITY) this.#documents.delete(this.#documents.keys().next().value!);
    this.#documents.set(text, document);
  }
}

/**
 * Runs operations compiled to JavaScript by graphql-jit instead of
 * interpreting them on every request (`npm run bench` measures the gain).
 */
import { useGraphQlJit } from '@envelop/graphql-jit';
import { type DocumentNode, Kind } from 'graphql';

const singleOperation = new WeakMap<DocumentNode, boolean>();

/** Whether the document holds one operation; yoga's parser cache hands the same document object back. */
function hasSingleOperation(document: DocumentNode): boolean {
  let single = singleOperation.get(document);
  if (single === undefined) {
    single = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length === 1;
    singleOperation.set(document, single);
  }
  return single;
}

export function useCompiledExecution() {
  // The plugin caches one compiled query per document, whatever the operationName: a document with several
  // operations (GraphiQL's examples) would run the first one compiled for every name, so those run uncompiled.
  return useGraphQlJit({}, { enableIf: ({ document }) => hasSingleOperation(document) });
}

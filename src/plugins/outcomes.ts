import type { MutationOutcome } from '../resolvers/context.js';

/**
 * What each operation's mutations came to (each result's type, action, Tencent identities), recorded by the resolvers through
 * their context and read by the plugins that act on outcomes (the operation log, idempotency). One log per app,
 * created where the app is composed; each operation's list is found from its context object, so no plugin
 * needs to know how yoga builds the context.
 */
export interface OutcomeLog {
  /** The outcomes of the operation whose context is `context`, created on first use. */
  of(context: object): MutationOutcome[];
}

export function createOutcomeLog(): OutcomeLog {
  const lists = new WeakMap<object, MutationOutcome[]>();
  return {
    of(context) {
      let list = lists.get(context);
      if (list === undefined) {
        list = [];
        lists.set(context, list);
      }
      return list;
    },
  };
}

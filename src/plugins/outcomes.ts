/**
 * What each operation's mutations came to (the `__typename` of each result), recorded by the resolvers through
 * their context and read by the plugins that act on outcomes (the operation log, idempotency). One log per app,
 * created where the app is composed; each operation's list is found from its context object, so no plugin
 * needs to know how yoga builds the context.
 */
export interface OutcomeLog {
  /** The outcomes of the operation whose context is `context`, created on first use. */
  of(context: object): string[];
}

export function createOutcomeLog(): OutcomeLog {
  const lists = new WeakMap<object, string[]>();
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

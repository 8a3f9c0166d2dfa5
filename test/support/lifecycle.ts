/** Test helper: one resource for the enclosing `describe` (or file), started before its tests and stopped after. */
import { afterAll, beforeAll } from 'vitest';

/** Answers a getter for the resource, which throws when called outside the tests (before it started). */
export function useStarted<T>(what: string, start: () => Promise<T>, stop: (resource: T) => Promise<unknown>): () => T {
  let resource: T | undefined;
  beforeAll(async () => {
    resource = await start();
  });
  afterAll(async () => {
    if (resource !== undefined) await stop(resource);
  });
  return () => {
    if (resource === undefined) throw new Error(`${what} not started`);
    return resource;
  };
}

/** Input rules shared by several inputs; each message says what a valid value looks like. */
import { z } from 'zod';

/**
 * A required value that may instead come from configuration. Its message is for whoever fills in the form; which
 * variable would give a default is for the operator, and start-up logs it when unset (main.ts).
 */
export const requiredOrConfigured = () =>
  z
    .string({ error: (issue) => (issue.input == null ? 'required' : 'must be a string') })
    .trim()
    .min(1, 'required');

export const openId = z.string().min(1, 'must be 1–64 characters').max(64, 'must be 1–64 characters');

/** Drops null (GraphQL's "not given") so optional wire fields are simply absent. */
export function orUndefined<T>(value: T | null | undefined): T | undefined {
  return value ?? undefined;
}

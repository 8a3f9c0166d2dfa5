/** What identifies one request for `Idempotency-Key`: a hash of its parameters in a canonical form. */
import { createHash } from 'node:crypto';
import type { GraphQLParams } from 'graphql-yoga';

/** One step of writing: a value still to write, or text already decided. */
type Step = { value: unknown } | string;

const byKey = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * JSON with object keys sorted, so the same variables in another order are the same request. Written with a stack
 * of its own, not by recursion: JSON.parse accepts variables nested tens of thousands deep, which would overflow
 * the call stack.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  const steps: Step[] = [{ value }];
  // Each container pushes its closing bracket, its members last to first, then its opening bracket.
  for (let step = steps.pop(); step !== undefined; step = steps.pop()) {
    if (typeof step === 'string') {
      out.push(step);
      continue;
    }
    const node = step.value;
    if (Array.isArray(node)) {
      steps.push(']');
      for (let i = node.length - 1; i >= 0; i--) {
        steps.push({ value: node[i] });
        if (i > 0) steps.push(',');
      }
      steps.push('[');
    } else if (node !== null && typeof node === 'object') {
      const entries = Object.entries(node).sort(byKey);
      steps.push('}');
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, member] = entries[i]!;
        steps.push({ value: member }, `${JSON.stringify(key)}:`);
        if (i > 0) steps.push(',');
      }
      steps.push('{');
    } else {
      out.push(JSON.stringify(node) ?? 'null');
    }
  }
  return out.join('');
}

/** The request's operation, name, variables and extensions (a trusted document's hash when the query is absent). */
export function fingerprintOf(params: GraphQLParams): string {
  const parts = [params.query, params.operationName, params.variables, params.extensions].map((part) => part ?? null);
  return createHash('sha256').update(canonicalJson(parts)).digest('hex');
}

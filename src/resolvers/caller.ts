/**
 * Who is calling, once authenticated, and the rule that binds a call's
 * Tencent identity to the caller: a value the caller's identity gives wins
 * over input and configuration, and an input naming another value is refused
 * before anything is sent.
 */
import { z } from 'zod';

const identityValue = z.string().trim().min(1, 'must not be blank');

/** The Tencent identities a caller is; each field is optional, and an absent one binds nothing. */
export const CallerIdentity = z
  .object({
    /** ess `Operator.UserId`. */
    essOperatorUserId: identityValue,
    /** ess `Agent.ProxyOrganizationId`. */
    essProxyOrganizationId: identityValue,
    /** essbasic `Agent.ProxyOrganizationOpenId`. */
    essbasicProxyOrganizationOpenId: identityValue,
    /** essbasic `Agent.ProxyOperator.OpenId`. */
    essbasicProxyOperatorOpenId: identityValue,
  })
  .partial();
export type CallerIdentity = z.infer<typeof CallerIdentity>;
export type IdentityField = keyof CallerIdentity;
export const IDENTITY_FIELDS = Object.keys(CallerIdentity.shape) as IdentityField[];

export interface Caller {
  /** Who, for logs; stable and free of secrets: `jwt:<issuer>|<subject>` or `api-key:<name>`. */
  id: string;
  identity: CallerIdentity;
  /** A server-to-server key trusted to name any operator: fields its identity lacks stay as the input gives them. */
  unrestricted: boolean;
}

/**
 * The namespace of what a caller may be answered again (idempotency records): its id together with everything that
 * decides what it may do, so two callers that may act as different Tencent identities never share one, even under
 * one id (a subject whose token now binds another operator).
 */
export function callerScope(caller: Caller): string {
  const identities = IDENTITY_FIELDS.map((field) => caller.identity[field] ?? null);
  return JSON.stringify([caller.id, caller.unrestricted, identities]);
}

/** One input field that carries a Tencent identity. */
export interface IdentityBinding {
  /** Dotted path inside the input, e.g. `operator.userId`. */
  path: string;
  identity: IdentityField;
  /** What the field is, for messages: e.g. `ESS operator (Operator.UserId)`. */
  describes: string;
  /** A restricted caller without this identity may not call the action at all. */
  required: boolean;
}

export interface CallerNotAllowedResult {
  __typename: 'CallerNotAllowedError';
  message: string;
}

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node => value !== null && typeof value === 'object';

function valueAt(input: unknown, keys: string[]): unknown {
  return keys.reduce<unknown>((node, key) => (isNode(node) ? node[key] : undefined), input);
}

/** A copy of `input` with `value` at `keys`, creating the objects on the way (an absent `agent` becomes one). */
function withValueAt(input: unknown, [key, ...rest]: string[], value: string): Node {
  const node = isNode(input) ? input : {};
  return { ...node, [key!]: rest.length === 0 ? value : withValueAt(node[key!], rest, value) };
}

const refused = (message: string): CallerNotAllowedResult => ({ __typename: 'CallerNotAllowedError', message });

/**
 * Applies `caller`'s identity to `input`. The input may leave a bound field
 * out or repeat the caller's own value; naming another one is refused.
 */
export function bindToCaller<Input>(
  input: Input,
  caller: Caller,
  bindings: readonly IdentityBinding[],
): { ok: true; input: Input } | { ok: false; error: CallerNotAllowedResult } {
  let bound: unknown = input;
  for (const binding of bindings) {
    const own = caller.identity[binding.identity];
    const keys = binding.path.split('.');
    const given = valueAt(input, keys);
    if (own === undefined) {
      if (binding.required && !caller.unrestricted) {
        return {
          ok: false,
          error: refused(
            `The caller is not bound to an ${binding.describes}, so it may not make this call; nothing was sent to Tencent.`,
          ),
        };
      }
      continue;
    }
    if (given != null && given !== own) {
      return {
        ok: false,
        error: refused(
          `input.${binding.path} names an ${binding.describes} other than the caller's own; nothing was sent to Tencent.`,
        ),
      };
    }
    bound = withValueAt(bound, keys, own);
  }
  // Only string fields the input type declares were set, so the shape is still `Input`.
  return { ok: true, input: bound as Input };
}

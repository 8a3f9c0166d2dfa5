/**
 * The values resolvers return: a success or one error member of a result
 * union, discriminated by `__typename`. The table of Tencent error types is
 * the one place that says which Tencent code becomes which GraphQL type.
 */
import type { z } from 'zod';
import type { TencentAction } from '../tencent/action.js';
import { isRequestLimitExceeded, type TencentFailure } from '../tencent/client.js';
import type { CallerNotAllowedResult } from './caller.js';

export interface TencentErrorType {
  typename: string;
  description: string;
  /**
   * The codes it stands for: exact codes, and families written `Code.*`, which match every sub-code of `Code`
   * (`OperationDenied.*` matches `OperationDenied.NoPermission`). An exact code wins over a family, and a longer
   * family over a shorter one, so `OperationDenied.QrInvalid` is a QR code error, not a generic denial.
   */
  codes: readonly string[];
  /** Public error codes any action may answer: in every result union. */
  everyAction?: true;
}

/** Every Tencent error type; `TencentApiError` catches what none of them covers. */
export const TENCENT_ERROR_TYPES = [
  {
    typename: 'AutoSignAlreadyEnabledError',
    description:
      'The person has already completed auto-sign enablement, so the link can no longer be revoked (`FailedOperation.UserAutoSignEnableAlready`).',
    codes: ['FailedOperation.UserAutoSignEnableAlready'],
  },
  {
    typename: 'AutoSignEnableUrlNotFoundError',
    description:
      'No enablement link has been generated for this person and scene, or it was already revoked (`FailedOperation.UserAutoSignEnableUrlNotExist`).',
    codes: ['FailedOperation.UserAutoSignEnableUrlNotExist'],
  },
  {
    typename: 'OperationDeniedError',
    description:
      'Tencent denied the operation, e.g. the operator lacks permission or the whitelist feature is not enabled (`OperationDenied`, `OperationDenied.*`).',
    codes: ['OperationDenied', 'OperationDenied.*'],
  },
  {
    typename: 'QrCodeInvalidError',
    description: 'The signing QR code is no longer usable: it was already cancelled (`OperationDenied.QrInvalid`).',
    codes: ['OperationDenied.QrInvalid'],
  },
  {
    typename: 'QrCodeExpiredError',
    description:
      'The signing QR code’s validity has ended, so there is nothing left to cancel (`OperationDenied.QrHasExpire`).',
    codes: ['OperationDenied.QrHasExpire'],
  },
  {
    typename: 'QrCodeNotFoundError',
    description: 'No such QR code exists for this application and organisation (`InvalidParameter.DataNotFound`).',
    codes: ['InvalidParameter.DataNotFound'],
  },
  {
    typename: 'InvalidParameterError',
    description:
      'Tencent rejected a parameter (`InvalidParameter`, `InvalidParameter.*`, `InvalidParameterValue`, `InvalidParameterValue.*`).',
    codes: ['InvalidParameter', 'InvalidParameter.*', 'InvalidParameterValue', 'InvalidParameterValue.*'],
    everyAction: true,
  },
  {
    typename: 'ForbiddenError',
    description: 'The operation is forbidden for this operator or organisation (`OperationDenied.Forbid`).',
    codes: ['OperationDenied.Forbid'],
  },
  {
    typename: 'FeatureNotEnabledError',
    description:
      'The account’s edition does not include this API; upgrade to use it (`UnauthorizedOperation.NoPermissionFeature`).',
    codes: ['UnauthorizedOperation.NoPermissionFeature'],
  },
  {
    typename: 'MissingParameterError',
    description: 'Tencent reported a required parameter as missing (`MissingParameter`, `MissingParameter.*`).',
    codes: ['MissingParameter', 'MissingParameter.*'],
    everyAction: true,
  },
  {
    typename: 'TencentInternalError',
    description: 'Tencent failed internally (`InternalError`, `InternalError.*`); the cancel may be retried.',
    codes: ['InternalError', 'InternalError.*'],
    everyAction: true,
  },
  {
    typename: 'AuthFailureError',
    description:
      'Tencent refused this service’s own credentials or signature (`AuthFailure.*`); an operator must fix the configuration.',
    codes: ['AuthFailure.*'],
    everyAction: true,
  },
  {
    typename: 'TencentApiError',
    description: 'Any other Tencent error; `code` carries Tencent’s code verbatim.',
    codes: [],
    everyAction: true,
  },
] as const satisfies readonly TencentErrorType[];

export type TencentErrorTypename = (typeof TENCENT_ERROR_TYPES)[number]['typename'];

export interface TencentErrorResult {
  __typename: TencentErrorTypename;
  message: string;
  code: string;
  requestId: string;
}

export interface RateLimitedResult {
  __typename: 'RateLimitedError';
  message: string;
  retryAfterSeconds: number;
}

export interface ValidationIssueResult {
  path: string[];
  message: string;
}

export interface ValidationResult {
  __typename: 'ValidationError';
  message: string;
  issues: ValidationIssueResult[];
}

export interface UpstreamUnavailableResult {
  __typename: 'UpstreamUnavailableError';
  message: string;
}

export type ErrorResult =
  | TencentErrorResult
  | RateLimitedResult
  | ValidationResult
  | UpstreamUnavailableResult
  | CallerNotAllowedResult;

export interface SuccessResult<Typename extends string> {
  __typename: Typename;
  requestId: string;
}

/** How closely `pattern` matches `code`: exact beats every family, a longer family a shorter one; 0 is no match. */
function closeness(pattern: string, code: string): number {
  if (pattern === code) return Number.POSITIVE_INFINITY;
  if (!pattern.endsWith('.*')) return 0;
  const family = pattern.slice(0, -1);
  return code.startsWith(family) ? family.length : 0;
}

/** The type among `types` that stands for `code` most specifically, if any does. */
function typeFor<T extends TencentErrorType>(types: readonly T[], code: string): T | undefined {
  let best: T | undefined;
  let bestCloseness = 0;
  for (const type of types) {
    for (const pattern of type.codes) {
      const score = closeness(pattern, code);
      if (score > bestCloseness) [best, bestCloseness] = [type, score];
    }
  }
  return best;
}

/**
 * The Tencent error types in an action's result union: the type each documented code stands for, plus the public
 * ones every action may answer.
 */
export function tencentErrorTypesOf(action: TencentAction): TencentErrorTypename[] {
  const documented = new Set<string | undefined>(
    action.errorCodes.map((code) => typeFor(TENCENT_ERROR_TYPES, code)?.typename),
  );
  return TENCENT_ERROR_TYPES.filter((type: TencentErrorType) => type.everyAction || documented.has(type.typename)).map(
    (type) => type.typename,
  );
}

const OUTCOME_UNKNOWN =
  'Whether Tencent carried out the cancel is unknown; repeating it is safe (a cancel that already took effect answers with its documented not-found or invalid error).';

const NOT_SENT = 'The request did not reach Tencent, so nothing was done; it can be repeated.';

/** Tencent's per-second limits reset each second. */
const RATE_LIMIT_RETRY_AFTER_SECONDS = 1;

/** Builds the mapping from a failed call of `action` to the member of its union that describes it. */
export function failureMapper(action: TencentAction): (failure: TencentFailure) => ErrorResult {
  const inUnion = new Set<string>(tencentErrorTypesOf(action));
  const candidates = TENCENT_ERROR_TYPES.filter((type) => inUnion.has(type.typename));
  return (failure) => {
    switch (failure.kind) {
      case 'upstream':
        return {
          __typename: 'UpstreamUnavailableError',
          message: `${failure.message}. ${failure.outcomeUnknown ? OUTCOME_UNKNOWN : NOT_SENT}`,
        };
      case 'rate-limited':
        return {
          __typename: 'RateLimitedError',
          message: failure.message,
          retryAfterSeconds: failure.retryAfterSeconds,
        };
      case 'tencent': {
        const { code, message, requestId } = failure;
        if (isRequestLimitExceeded(code)) {
          return { __typename: 'RateLimitedError', message, retryAfterSeconds: RATE_LIMIT_RETRY_AFTER_SECONDS };
        }
        // The most specific type this action's union holds; a code none covers keeps its code as TencentApiError.
        return { __typename: typeFor(candidates, code)?.typename ?? 'TencentApiError', message, code, requestId };
      }
    }
  };
}

export function validationResult(error: z.ZodError, root: string): ValidationResult {
  const issues = error.issues.map((issue) => ({
    path: [root, ...issue.path.map(String)],
    message: issue.message,
  }));
  return {
    __typename: 'ValidationError',
    message: `The input breaks ${issues.length === 1 ? 'a rule' : `${issues.length} rules`}; nothing was sent to Tencent.`,
    issues,
  };
}

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
  /** Codes matched exactly. */
  codes: readonly string[];
  /** Codes matched by prefix (`AuthFailure.` matches every `AuthFailure.*`). */
  prefixes?: readonly string[];
  /** Public error codes any action may answer: in every result union. */
  everyAction?: true;
}

/** Every Tencent error type, most specific first; `TencentApiError` catches the rest. */
export const TENCENT_ERROR_TYPES = [
  {
    typename: 'AutoSignAlreadyEnabledError',
    description: 'The person has already completed auto-sign enablement, so the link can no longer be revoked (`FailedOperation.UserAutoSignEnableAlready`).',
    codes: ['FailedOperation.UserAutoSignEnableAlready'],
  },
  {
    typename: 'AutoSignEnableUrlNotFoundError',
    description: 'No enablement link has been generated for this person and scene, or it was already revoked (`FailedOperation.UserAutoSignEnableUrlNotExist`).',
    codes: ['FailedOperation.UserAutoSignEnableUrlNotExist'],
  },
  {
    typename: 'OperationDeniedError',
    description: 'Tencent denied the operation, e.g. the operator lacks permission or the whitelist feature is not enabled (`OperationDenied`).',
    codes: ['OperationDenied'],
  },
  {
    typename: 'QrCodeInvalidError',
    description: 'The signing QR code is no longer usable: already cancelled or expired (`OperationDenied.QrInvalid`).',
    codes: ['OperationDenied.QrInvalid'],
  },
  {
    typename: 'QrCodeNotFoundError',
    description: 'No such QR code exists for this application and organisation (`InvalidParameter.DataNotFound`).',
    codes: ['InvalidParameter.DataNotFound'],
  },
  {
    typename: 'InvalidParameterError',
    description: 'Tencent rejected a parameter (`InvalidParameter`, `InvalidParameter.ParamError`, `InvalidParameterValue`).',
    codes: ['InvalidParameter', 'InvalidParameter.ParamError', 'InvalidParameterValue'],
    everyAction: true,
  },
  {
    typename: 'ForbiddenError',
    description: 'The operation is forbidden for this operator or organisation (`OperationDenied.Forbid`).',
    codes: ['OperationDenied.Forbid'],
  },
  {
    typename: 'FeatureNotEnabledError',
    description: 'The account’s edition does not include this API; upgrade to use it (`UnauthorizedOperation.NoPermissionFeature`).',
    codes: ['UnauthorizedOperation.NoPermissionFeature'],
  },
  {
    typename: 'MissingParameterError',
    description: 'Tencent reported a required parameter as missing (`MissingParameter`).',
    codes: ['MissingParameter'],
    everyAction: true,
  },
  {
    typename: 'TencentInternalError',
    description: 'Tencent failed internally (`InternalError`, `InternalError.*`); the cancel may be retried.',
    codes: ['InternalError'],
    prefixes: ['InternalError.'],
    everyAction: true,
  },
  {
    typename: 'AuthFailureError',
    description: 'Tencent refused this service’s own credentials or signature (`AuthFailure.*`); an operator must fix the configuration.',
    codes: [],
    prefixes: ['AuthFailure.'],
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

const matches = (type: TencentErrorType, code: string): boolean =>
  type.codes.includes(code) || (type.prefixes ?? []).some((prefix) => code.startsWith(prefix));

/** The Tencent error types in an action's result union: its documented codes plus the public ones. */
export function tencentErrorTypesOf(action: TencentAction): TencentErrorTypename[] {
  return TENCENT_ERROR_TYPES.filter(
    (type: TencentErrorType) => type.everyAction || action.errorCodes.some((code) => matches(type, code)),
  ).map((type) => type.typename);
}

const OUTCOME_UNKNOWN =
  'Whether Tencent carried out the cancel is unknown; repeating it is safe (a cancel that already took effect answers with its documented not-found or invalid error).';

const NOT_SENT = 'The request did not reach Tencent, so nothing was done; it can be repeated.';

/** Tencent's per-second limits reset each second. */
const RATE_LIMIT_RETRY_AFTER_SECONDS = 1;

/** Builds the mapping from a failed call of `action` to the member of its union that describes it. */
export function failureMapper(action: TencentAction): (failure: TencentFailure) => ErrorResult {
  const allowed = new Set(tencentErrorTypesOf(action));
  const candidates = TENCENT_ERROR_TYPES.filter((t: TencentErrorType) => allowed.has(t.typename as TencentErrorTypename));
  return (failure) => {
    switch (failure.kind) {
      case 'upstream':
        return {
          __typename: 'UpstreamUnavailableError',
          message: `${failure.message}. ${failure.outcomeUnknown ? OUTCOME_UNKNOWN : NOT_SENT}`,
        };
      case 'rate-limited':
        return { __typename: 'RateLimitedError', message: failure.message, retryAfterSeconds: failure.retryAfterSeconds };
      case 'tencent': {
        const { code, message, requestId } = failure;
        if (isRequestLimitExceeded(code)) {
          return { __typename: 'RateLimitedError', message, retryAfterSeconds: RATE_LIMIT_RETRY_AFTER_SECONDS };
        }
        const type = candidates.find((t) => matches(t, code));
        return { __typename: type?.typename ?? 'TencentApiError', message, code, requestId };
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

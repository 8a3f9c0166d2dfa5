/** The `Error` and `TencentError` interfaces and every error type a result union can hold. */
import {
  type ErrorResult,
  type RateLimitedResult,
  TENCENT_ERROR_TYPES,
  type TencentErrorResult,
  type UpstreamUnavailableResult,
  type ValidationIssueResult,
  type ValidationResult,
} from '../resolvers/results.js';
import type { CallerNotAllowedResult } from '../resolvers/caller.js';
import type { SandboxOnlyResult } from '../resolvers/sandbox.js';
import { builder } from './builder.js';

const byTypename = (value: { __typename: string }) => value.__typename;

export const ErrorInterface = builder.interfaceRef<ErrorResult | SandboxOnlyResult>('Error').implement({
  description: 'Every error member of a result union implements this; switch on `__typename` for the kind.',
  resolveType: byTypename,
  fields: (t) => ({
    message: t.exposeString('message', { description: 'What went wrong, for people (not for parsing).' }),
  }),
});

export const TencentErrorInterface = builder.interfaceRef<TencentErrorResult>('TencentError').implement({
  description: 'An error answered by Tencent e-sign itself.',
  interfaces: [ErrorInterface],
  resolveType: byTypename,
  fields: (t) => ({
    code: t.exposeString('code', { description: 'Tencent’s error code, verbatim (e.g. `OperationDenied.QrInvalid`).' }),
    requestId: t.exposeString('requestId', { description: 'Tencent’s `RequestId`; quote it to Tencent support.' }),
  }),
});

export const TencentErrorTypes = new Map(
  TENCENT_ERROR_TYPES.map(({ typename, description }) => [
    typename,
    builder.objectRef<TencentErrorResult>(typename).implement({
      description,
      interfaces: [ErrorInterface, TencentErrorInterface],
    }),
  ]),
);

export const RateLimitedError = builder.objectRef<RateLimitedResult>('RateLimitedError').implement({
  description:
    'Too many calls: Tencent answered `RequestLimitExceeded*` (20 calls per second per action by default), or the layer’s own call budget could not send the call in time. Nothing was done; retry after `retryAfterSeconds`.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    retryAfterSeconds: t.exposeFloat('retryAfterSeconds', { description: 'Seconds to wait before retrying.' }),
  }),
});

const ValidationIssue = builder.objectRef<ValidationIssueResult>('ValidationIssue').implement({
  description: 'One broken input rule.',
  fields: (t) => ({
    path: t.exposeStringList('path', { description: 'Where in the arguments, e.g. `["input", "qrCodeId"]`.' }),
    message: t.exposeString('message', { description: 'The rule, stated for people.' }),
  }),
});

export const ValidationError = builder.objectRef<ValidationResult>('ValidationError').implement({
  description: 'The input broke a documented rule; nothing was sent to Tencent.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    issues: t.field({ type: [ValidationIssue], description: 'Every broken rule.', resolve: (e) => e.issues }),
  }),
});

export const UpstreamUnavailableError = builder
  .objectRef<UpstreamUnavailableResult>('UpstreamUnavailableError')
  .implement({
    description:
      'Tencent could not be reached or gave no usable answer (network failure, time-out, a reply that is not Tencent’s JSON). A cancel may be repeated safely.',
    interfaces: [ErrorInterface],
  });

export const CallerNotAllowedError = builder.objectRef<CallerNotAllowedResult>('CallerNotAllowedError').implement({
  description:
    'The input names a Tencent operator or organisation other than the authenticated caller’s, or the caller is bound to none for this action. Nothing was sent to Tencent.',
  interfaces: [ErrorInterface],
});

/** The error members shared by every result union, after the Tencent error types of its action. */
export const LAYER_ERROR_TYPES = [
  RateLimitedError,
  ValidationError,
  UpstreamUnavailableError,
  CallerNotAllowedError,
] as const;

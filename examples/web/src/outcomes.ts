/**
 * What the page says for each member of the two result unions. The switches are exhaustive: when the schema gains
 * a union member (say a new Tencent error type), `npm run schema` regenerates the types and the `never` check below
 * stops the build until the new member is handled here.
 */
import type { ResultOf } from './graphql.js';
import type { CancelAutoSignLink, CancelQrCode } from './operations.js';

export interface Issue {
  /** From the argument down, e.g. `["input", "userInfo", "idCardNumber"]`. */
  path: string[];
  message: string;
}

export interface Outcome {
  ok: boolean;
  /** The union member, shown so a developer sees which branch ran. */
  typename: string;
  headline: string;
  details: string[];
  /** Broken input rules, which the page shows at their fields. */
  issues?: Issue[];
}

type AutoSignResult = ResultOf<typeof CancelAutoSignLink>['cancelUserAutoSignEnableUrl'];
type QrCodeResult = ResultOf<typeof CancelQrCode>['channelCancelMultiFlowSignQRCode'];

/** Errors both mutations can answer, described once. The list is checked against both unions. */
const SHARED_ERRORS = [
  'ValidationError',
  'CallerNotAllowedError',
  'RateLimitedError',
  'UpstreamUnavailableError',
  'TencentInternalError',
  'AuthFailureError',
  'InvalidParameterError',
  'MissingParameterError',
  'TencentApiError',
] as const satisfies readonly (AutoSignResult['__typename'] & QrCodeResult['__typename'])[];

type SharedTypename = (typeof SHARED_ERRORS)[number];
type SharedError = Extract<AutoSignResult | QrCodeResult, { __typename: SharedTypename }>;

function isSharedError<R extends { __typename: string }>(result: R): result is Extract<R, { __typename: SharedTypename }> {
  return (SHARED_ERRORS as readonly string[]).includes(result.__typename);
}

/** Reached only by a member no `case` handles; its `never` parameter turns a new union member into a type error. */
function unhandled(member: never): never {
  throw new Error(`Unhandled result type ${JSON.stringify(member)}`);
}

const tencentDetails = (error: { code: string; requestId: string }) => [
  `Tencent code ${error.code}`,
  `Request id ${error.requestId}`,
];

function success(result: { __typename: string; requestId: string }, headline: string, details: string[]): Outcome {
  return { ok: true, typename: result.__typename, headline, details: [...details, `Request id ${result.requestId}`] };
}

function failure(error: { __typename: string; message: string }, headline: string, details: string[]): Outcome {
  return { ok: false, typename: error.__typename, headline, details: [...details, error.message] };
}

export function describeAutoSignResult(result: AutoSignResult): Outcome {
  if (isSharedError(result)) return describeSharedError(result);
  switch (result.__typename) {
    case 'CancelUserAutoSignEnableUrlSuccess':
      return success(result, 'The enablement link was revoked.', [`Scene ${result.sceneKey}`, `Link id ${result.linkId}`]);
    case 'AutoSignAlreadyEnabledError':
      return failure(result, 'This person has already enabled auto-sign; there is no link left to revoke.', tencentDetails(result));
    case 'AutoSignEnableUrlNotFoundError':
      return failure(result, 'No pending enablement link for this person and scene (never created or already revoked).', tencentDetails(result));
    case 'OperationDeniedError':
      return failure(result, 'Tencent denied the operation: check the operator’s permissions.', tencentDetails(result));
    default:
      return unhandled(result);
  }
}

export function describeQrCodeResult(result: QrCodeResult): Outcome {
  if (isSharedError(result)) return describeSharedError(result);
  switch (result.__typename) {
    case 'ChannelCancelMultiFlowSignQRCodeSuccess':
      return success(result, 'The QR code was cancelled.', [`QR code ${result.qrCodeId}`]);
    case 'QrCodeInvalidError':
      return failure(result, 'This QR code can no longer be used: it was already cancelled.', tencentDetails(result));
    case 'QrCodeExpiredError':
      return failure(result, 'This QR code has expired, so there is nothing left to cancel.', tencentDetails(result));
    case 'QrCodeNotFoundError':
      return failure(result, 'No such QR code for this application and organisation.', tencentDetails(result));
    case 'ForbiddenError':
      return failure(result, 'This operator or organisation may not cancel it.', tencentDetails(result));
    case 'FeatureNotEnabledError':
      return failure(result, 'The account’s edition does not include this feature.', tencentDetails(result));
    default:
      return unhandled(result);
  }
}

function describeSharedError(error: SharedError): Outcome {
  switch (error.__typename) {
    case 'ValidationError':
      return { ...failure(error, 'Please correct the marked fields; nothing was sent.', []), issues: error.issues };
    case 'CallerNotAllowedError':
      return failure(error, 'You may not act for that operator or organisation; nothing was sent.', []);
    case 'RateLimitedError':
      return failure(error, `Too many requests; try again in ${error.retryAfterSeconds} s.`, []);
    case 'UpstreamUnavailableError':
      return failure(error, 'Tencent could not be reached; trying again is safe.', []);
    case 'TencentInternalError':
      return failure(error, 'Tencent failed internally; trying again is safe.', tencentDetails(error));
    case 'AuthFailureError':
      return failure(error, 'The service’s Tencent credentials were refused; tell its operator.', tencentDetails(error));
    case 'InvalidParameterError':
    case 'MissingParameterError':
      return failure(error, 'Tencent rejected the request’s parameters.', tencentDetails(error));
    case 'TencentApiError':
      return failure(error, 'Tencent answered with an error.', tencentDetails(error));
    default:
      return unhandled(error);
  }
}

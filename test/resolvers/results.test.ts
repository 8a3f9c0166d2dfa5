/**
 * Which union member each Tencent code becomes. The codes are the ones Tencent documents: the actions' pages,
 * the sibling CancelMultiFlowSignQRCode page (`OperationDenied.QrHasExpire`) and the common error codes page
 * (sub-codes such as `MissingParameter.*` and `InvalidParameterValue.*`).
 */
import { describe, expect, it } from 'vitest';
import { failureMapper, tencentErrorTypesOf } from '../../src/resolvers/results.js';
import { CancelUserAutoSignEnableUrl } from '../../src/tencent/ess.js';
import { ChannelCancelMultiFlowSignQRCode } from '../../src/tencent/essbasic.js';

const tencent = (code: string) => ({ kind: 'tencent' as const, code, message: `${code} message`, requestId: 'req-1' });

describe('Tencent codes as union members', () => {
  const mappers = {
    ess: failureMapper(CancelUserAutoSignEnableUrl),
    essbasic: failureMapper(ChannelCancelMultiFlowSignQRCode),
  };

  it.each([
    ['ess', 'OperationDenied', 'OperationDeniedError'],
    ['ess', 'OperationDenied.NoPermissionUseResource', 'OperationDeniedError'],
    ['ess', 'MissingParameter', 'MissingParameterError'],
    ['ess', 'MissingParameter.Operator', 'MissingParameterError'],
    ['ess', 'InvalidParameterValue.UserInfo', 'InvalidParameterError'],
    ['ess', 'InvalidParameter.CardType', 'InvalidParameterError'],
    ['ess', 'InternalError.Db', 'TencentInternalError'],
    ['ess', 'AuthFailure.SignatureFailure', 'AuthFailureError'],
    ['ess', 'FailedOperation.UserAutoSignEnableUrlNotExist', 'AutoSignEnableUrlNotFoundError'],
    ['ess', 'FailedOperation.Unknown', 'TencentApiError'],
    ['essbasic', 'OperationDenied.QrInvalid', 'QrCodeInvalidError'],
    ['essbasic', 'OperationDenied.QrHasExpire', 'QrCodeExpiredError'],
    ['essbasic', 'OperationDenied.Forbid', 'ForbiddenError'],
    ['essbasic', 'InvalidParameter.DataNotFound', 'QrCodeNotFoundError'],
    ['essbasic', 'InvalidParameter.ParamError', 'InvalidParameterError'],
    ['essbasic', 'MissingParameter.AgentAppId', 'MissingParameterError'],
    // ess's generic denial is not in essbasic's union: another denial keeps its code as TencentApiError;
    // in ess, a denial essbasic names more precisely is still ess's own generic one.
    ['essbasic', 'OperationDenied.Other', 'TencentApiError'],
    ['ess', 'OperationDenied.QrInvalid', 'OperationDeniedError'],
  ] as const)('%s: %s → %s, keeping the exact code', (service, code, typename) => {
    expect(mappers[service](tencent(code))).toEqual({
      __typename: typename,
      code,
      message: `${code} message`,
      requestId: 'req-1',
    });
  });

  it('answers RequestLimitExceeded and its sub-codes as RateLimitedError', () => {
    for (const code of ['RequestLimitExceeded', 'RequestLimitExceeded.UinLimitExceeded']) {
      expect(mappers.essbasic(tencent(code))).toMatchObject({ __typename: 'RateLimitedError', retryAfterSeconds: 1 });
    }
  });

  it('builds each union from the type each documented code stands for, plus the public ones', () => {
    const essbasicTypes = tencentErrorTypesOf(ChannelCancelMultiFlowSignQRCode);
    expect(essbasicTypes).toEqual(
      expect.arrayContaining(['QrCodeInvalidError', 'QrCodeExpiredError', 'QrCodeNotFoundError', 'ForbiddenError']),
    );
    expect(essbasicTypes).not.toContain('OperationDeniedError');
    expect(essbasicTypes).not.toContain('AutoSignAlreadyEnabledError');
    const essTypes = tencentErrorTypesOf(CancelUserAutoSignEnableUrl);
    expect(essTypes).toContain('OperationDeniedError');
    expect(essTypes).not.toContain('QrCodeExpiredError');
  });
});

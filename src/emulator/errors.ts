/**
 * Tencent's common error codes (公共错误码) as the emulator answers them. The Chinese text is the
 * description on e-sign's error code page (https://cloud.tencent.com/document/api/1323/70376), the
 * English text that of Tencent Cloud's international pages where they give one; the emulator adds
 * the detail (which header, which parameter) after it. Callers must not parse messages, only codes.
 */
import { type ApiError, type Message, say } from './replies.js';

const error = (code: string, zh: string, en: string): ApiError => ({ code, message: say(zh, en) });

export const invalidAuthorization = (detail: string): ApiError =>
  error(
    'AuthFailure.InvalidAuthorization',
    `请求头部的 Authorization 不符合腾讯云标准。${detail}`,
    `Authorization in the request header is invalid. ${detail}`,
  );

export const secretIdNotFound = (): ApiError =>
  error(
    'AuthFailure.SecretIdNotFound',
    '密钥不存在。请在控制台检查密钥是否已被删除或者禁用，如状态正常，请检查密钥是否填写正确，注意前后不得有空格。',
    'Key does not exist. Check if the key has been deleted or disabled in the console, and if not, check if the key ' +
      'is correctly entered. Note that whitespaces should not exist before or after the key.',
  );

export const signatureExpire = (): ApiError =>
  error(
    'AuthFailure.SignatureExpire',
    '签名过期。Timestamp 和服务器时间相差不得超过五分钟，请检查本地时间是否和标准时间同步。',
    'Signature expired. Timestamp and server time cannot differ by more than five minutes. ' +
      'Please ensure your current local time matches the standard time.',
  );

export const signatureFailure = (): ApiError =>
  error(
    'AuthFailure.SignatureFailure',
    '签名错误。签名计算错误，请对照调用方式中的签名方法文档检查签名计算过程。',
    'The provided credentials could not be validated. Please check your signature is correct.',
  );

export const tokenFailure = (): ApiError => error('AuthFailure.TokenFailure', 'token 错误。', 'Token error.');

export const invalidAction = (action: string): ApiError =>
  error('InvalidAction', `接口不存在：\`${action}\`。`, `The API \`${action}\` does not exist.`);

export const noSuchVersion = (action: string, version: string): ApiError =>
  error(
    'NoSuchVersion',
    `接口版本不存在：${action} 的版本为 ${version}。`,
    `The API version does not exist: ${action} is served in version ${version}.`,
  );

export const missingParameter = (name: string): ApiError =>
  error('MissingParameter', `缺少参数：\`${name}\`。`, `The request is missing a required parameter \`${name}\`.`);

export const unknownParameter = (name: string): ApiError =>
  error(
    'UnknownParameter',
    `未知参数错误，用户多传未定义的参数会导致错误：\`${name}\`。`,
    `The parameter \`${name}\` is not recognized: passing a parameter the API does not define is an error.`,
  );

export const invalidParameter = (name: string, expected: string): ApiError =>
  error(
    'InvalidParameter',
    `参数错误（包括参数格式、类型等错误）：\`${name}\` 应为 ${expected}。`,
    `Invalid parameter (format or type): \`${name}\` must be ${expected}.`,
  );

export const invalidParameterValue = (name: string, rule: Message): ApiError =>
  error(
    'InvalidParameterValue',
    `参数取值错误：\`${name}\` ${rule['zh-CN']}。`,
    `Invalid parameter value: \`${name}\` ${rule['en-US']}.`,
  );

export const requestLimitExceeded = (): ApiError =>
  error('RequestLimitExceeded', '请求的次数超过了频率限制。', 'The number of requests exceeds the frequency limit.');

export const requestSizeLimitExceeded = (limit: number): ApiError =>
  error(
    'RequestSizeLimitExceeded',
    `请求包超过限制大小（${limit} 字节）。`,
    `The request package exceeds the size limit (${limit} bytes).`,
  );

export const unsupportedProtocol = (method: string): ApiError =>
  error(
    'UnsupportedProtocol',
    `http(s) 请求协议错误，只支持 GET 和 POST 请求（收到 ${method}）。`,
    `HTTP(S) request protocol error: only GET and POST are supported (got ${method}).`,
  );

// Answers the documentation leaves open; docs/emulator.md lists each guess.

export const unsupportedContentType = (got: string): ApiError =>
  error(
    'InvalidParameter',
    `参数错误：不支持的 Content-Type \`${got}\`。本接口以 POST application/json（签名方法 v3）调用，不支持 multipart/form-data。`,
    `Invalid parameter: Content-Type \`${got}\` is not supported. Call this API by POST with application/json ` +
      '(signature v3); it is not a multipart/form-data API.',
  );

export const unsupportedLanguage = (got: string): ApiError =>
  error(
    'InvalidParameterValue',
    `参数取值错误：X-TC-Language 应为 zh-CN 或 en-US，收到 \`${got}\`。`,
    `Invalid parameter value: X-TC-Language must be zh-CN or en-US, got \`${got}\`.`,
  );

export const getNotEmulated = (): ApiError =>
  error(
    'UnsupportedOperation',
    '操作不支持：模拟器只接受 POST 调用（GET 调用未模拟）。',
    'Unsupported operation: the emulator serves API calls by POST only (GET calls are not emulated).',
  );

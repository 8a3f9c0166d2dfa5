/** The languages Tencent Cloud API 3.0 answers its messages in, chosen by the `X-TC-Language` header. */
export const TENCENT_LANGUAGES = ['zh-CN', 'en-US'] as const;
export type TencentLanguage = (typeof TENCENT_LANGUAGES)[number];

/**
 * The language an HTTP `Accept-Language` asks for, if Tencent has it: the first listed tag that is English or
 * Chinese wins (`en*` → `en-US`, `zh*` → `zh-CN`); quality values are not weighed, as browsers list tags in order.
 */
export function languageFor(acceptLanguage: string | null): TencentLanguage | undefined {
  if (!acceptLanguage) return undefined;
  for (const range of acceptLanguage.split(',')) {
    const tag = range.trim().toLowerCase();
    if (tag.startsWith('en')) return 'en-US';
    if (tag.startsWith('zh')) return 'zh-CN';
  }
  return undefined;
}

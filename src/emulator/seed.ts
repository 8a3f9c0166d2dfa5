/**
 * Demo records for sandbox mode, taken from the examples on Tencent's API
 * pages; the README and GraphiQL's example operations use them.
 */
import type { EsignState } from './state.js';

export const DEMO = {
  essOperatorUserId: 'yDRCLUUgygq2xun5UuO4zjEwg0vjoimj',
  /** Has an enablement link waiting: the first cancel succeeds. */
  pendingUser: { name: '小明', idCardType: 'ID_CARD', idCardNumber: '610000000000000000' },
  /** Has already enabled auto-sign: a cancel answers AutoSignAlreadyEnabledError. */
  enabledUser: { name: '小强', idCardType: 'ID_CARD', idCardNumber: '610000000000000000' },
  /** Has no link: a cancel answers AutoSignEnableUrlNotFoundError. */
  unknownUser: { name: '小红', idCardType: 'ID_CARD', idCardNumber: '610000000000000000' },
  sceneKey: 'E_PRESCRIPTION_AUTO_SIGN',
  appId: 'yDwhxUUckp3gl8j5UuFX33LSNozpRsbi',
  proxyOrganizationOpenId: 'org_dianziqian',
  proxyOperatorOpenId: 'n9527',
  /** An active QR code: the first cancel succeeds, the next answers QrCodeInvalidError. */
  qrCodeId: 'yDSLZUUckpooi1ltUxCsD3RSTG9BEWhR',
} as const;

export function seedDemo(state: EsignState): void {
  const scene = { sceneKey: DEMO.sceneKey };
  state.createAutoSignLink({ ...scene, ...DEMO.pendingUser });
  state.enableAutoSign({ ...scene, ...DEMO.enabledUser });
  state.createQrCode({ appId: DEMO.appId, proxyOrganizationOpenId: DEMO.proxyOrganizationOpenId }, 365, DEMO.qrCodeId);
}

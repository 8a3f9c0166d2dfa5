/** The emulator's records: auto-sign enablement links and multi-flow signing QR codes. */
import { randomBytes } from 'node:crypto';

export interface PersonKey {
  sceneKey: string;
  name: string;
  idCardType: string;
  idCardNumber: string;
}

export type AutoSignStatus = 'link-pending' | 'enabled';

export interface QrCodeOwner {
  appId: string;
  proxyOrganizationOpenId: string;
}

interface QrCodeRecord extends QrCodeOwner {
  cancelled: boolean;
  expiresAt: number;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A 32-character id shaped like Tencent's (`yDSLZUUckpooi1ltUxCsD3RSTG9BEWhR`). */
export function tencentStyleId(): string {
  const bytes = randomBytes(30);
  return `yD${Array.from(bytes, (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('')}`;
}

function personId(p: PersonKey): string {
  return JSON.stringify([p.sceneKey, p.idCardType, p.idCardNumber, p.name]);
}

export class EsignState {
  private readonly autoSign = new Map<string, { status: AutoSignStatus; token: string }>();
  private readonly linkTokens = new Map<string, string>();
  private readonly qrCodes = new Map<string, QrCodeRecord>();

  constructor(private readonly now: () => number = Date.now) {}

  autoSignStatus(person: PersonKey): AutoSignStatus | undefined {
    return this.autoSign.get(personId(person))?.status;
  }

  /** Issues a new enablement link for a person; returns its token, or undefined if already enabled. */
  createAutoSignLink(person: PersonKey): string | undefined {
    const id = personId(person);
    const existing = this.autoSign.get(id);
    if (existing?.status === 'enabled') return undefined;
    if (existing) this.linkTokens.delete(existing.token);
    const token = tencentStyleId();
    this.autoSign.set(id, { status: 'link-pending', token });
    this.linkTokens.set(token, id);
    return token;
  }

  cancelAutoSignLink(person: PersonKey): 'cancelled' | 'enabled' | 'no-link' {
    const id = personId(person);
    const record = this.autoSign.get(id);
    if (!record) return 'no-link';
    if (record.status === 'enabled') return 'enabled';
    this.autoSign.delete(id);
    this.linkTokens.delete(record.token);
    return 'cancelled';
  }

  /** What happens when the person opens the link and completes enablement. */
  completeAutoSignLink(token: string): boolean {
    const id = this.linkTokens.get(token);
    const record = id === undefined ? undefined : this.autoSign.get(id);
    if (!id || !record) return false;
    this.linkTokens.delete(token);
    this.autoSign.set(id, { status: 'enabled', token });
    return true;
  }

  /** Marks a person as enabled directly (seed data). */
  enableAutoSign(person: PersonKey): void {
    this.autoSign.set(personId(person), { status: 'enabled', token: '' });
  }

  createQrCode(
    owner: QrCodeOwner,
    effectiveDays: number,
    qrCodeId = tencentStyleId(),
  ): { id: string; expiresAt: number } {
    return this.createQrCodeExpiringAt(owner, this.now() + effectiveDays * 86_400_000, qrCodeId);
  }

  createQrCodeExpiringAt(
    owner: QrCodeOwner,
    expiresAt: number,
    qrCodeId = tencentStyleId(),
  ): { id: string; expiresAt: number } {
    this.qrCodes.set(qrCodeId, { ...owner, cancelled: false, expiresAt });
    return { id: qrCodeId, expiresAt };
  }

  /** `invalid`: cancelled before; `expired`: its validity ended (a cancelled code stays `invalid`). */
  cancelQrCode(qrCodeId: string, owner: QrCodeOwner): 'cancelled' | 'invalid' | 'expired' | 'not-found' {
    const record = this.qrCodes.get(qrCodeId);
    // Another organisation's code is reported exactly like a missing one, so ids cannot be probed.
    if (!record || record.appId !== owner.appId || record.proxyOrganizationOpenId !== owner.proxyOrganizationOpenId) {
      return 'not-found';
    }
    if (record.cancelled) return 'invalid';
    if (record.expiresAt <= this.now()) return 'expired';
    record.cancelled = true;
    return 'cancelled';
  }

  /** Forgets every record (the sandbox's reset seeds the demo records again afterwards). */
  clear(): void {
    this.autoSign.clear();
    this.linkTokens.clear();
    this.qrCodes.clear();
  }
}

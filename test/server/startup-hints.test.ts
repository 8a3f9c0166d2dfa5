/** Start-up names the variables that would give requests a default, since a request's refusal says only "required". */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { spawnService } from '../support/process.js';

const emulator = useEmulator();

describe('npm start', () => {
  it('logs each unset default and the field requests must give instead', async () => {
    const service = await spawnService(emulator.current, { TENCENT_ESS_OPERATOR_USER_ID: 'operator' });
    try {
      expect(service.output()).toContain('TENCENT_ESSBASIC_APP_ID is unset: requests must give agent.appId');
      expect(service.output()).not.toContain('TENCENT_ESS_OPERATOR_USER_ID is unset');
    } finally {
      await service.stop();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { loggerFor, yogaLoggerFor } from '../../src/telemetry/logger.js';
import { capturedLog } from '../support/captured-log.js';

const person = { name: '小明', idCardType: 'ID_CARD', idCardNumber: '610000000000000000' };

describe('createLogger', () => {
  it('masks personal data and secrets in every field, at any depth', () => {
    const log = capturedLog();
    log.logger.info(
      {
        input: { userInfo: person },
        headers: { Authorization: 'TC3-HMAC-SHA256 Credential=AKID…' },
        secretKey: 'sk-123',
      },
      'something happened',
    );
    const text = log.text();
    for (const secret of ['小明', '610000000000000000', 'TC3-HMAC-SHA256', 'sk-123'])
      expect(text).not.toContain(secret);
    expect(log.records()[0]).toMatchObject({
      msg: 'something happened',
      input: { userInfo: { name: '小*', idCardType: 'ID_CARD', idCardNumber: '61**************00' } },
      headers: { Authorization: '[redacted]' },
      secretKey: '[redacted]',
    });
  });

  it('keeps an error’s message and stack and masks the personal data it carries', () => {
    const log = capturedLog();
    const error = Object.assign(new Error('lookup failed'), { idCardNumber: person.idCardNumber });
    log.logger.error({ err: error }, 'failed');
    const [record] = log.records();
    expect(record).toMatchObject({
      err: {
        type: 'Error',
        message: 'lookup failed',
        idCardNumber: '61**************00',
        stack: expect.stringContaining('lookup failed'),
      },
    });
    expect(log.text()).not.toContain(person.idCardNumber);
  });

  it('writes only lines at or above its level', () => {
    const log = capturedLog('warn');
    log.logger.info('quiet');
    log.logger.warn('loud');
    expect(log.records().map((r) => r.msg)).toEqual(['loud']);
  });
});

describe('loggerFor', () => {
  const config = { logLevel: 'debug' as const, production: true };

  it('uses the logger it is given', async () => {
    const { logger } = capturedLog();
    expect(await loggerFor(config, logger)).toBe(logger);
  });

  it('logs nothing for `false`, and takes the configured level otherwise', async () => {
    expect((await loggerFor(config, false)).level).toBe('silent');
    expect((await loggerFor(config)).level).toBe('debug');
    expect((await loggerFor({ ...config, logLevel: 'error' }, true)).level).toBe('error');
  });
});

describe('yogaLoggerFor', () => {
  it('turns yoga’s arguments into a message, an `err` and masked `details`', () => {
    const log = capturedLog('debug');
    const yoga = yogaLoggerFor(log.logger);
    yoga.error('Unexpected error 42:', new Error('boom'));
    yoga.debug('Parsing request', { variables: { input: { userInfo: person } } });
    const [error, debug] = log.records();
    expect(error).toMatchObject({ level: 50, msg: 'Unexpected error 42:', err: { message: 'boom' } });
    expect(debug).toMatchObject({
      level: 20,
      msg: 'Parsing request',
      details: [{ variables: { input: { userInfo: { name: '小*' } } } }],
    });
    expect(log.text()).not.toContain(person.idCardNumber);
  });
});

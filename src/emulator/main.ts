/** `npm run emulator`: the e-sign emulator alone, seeded with the demo records. */
import { z } from 'zod';
import { DEFAULT_EMULATOR_CREDENTIALS, startEmulator } from './server.js';

const env = z
  .object({
    EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(9100),
    EMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
    EMULATOR_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(0).default(20),
    EMULATOR_STS_MAX_LIFETIME_SECONDS: z.coerce.number().int().min(1).max(43_200).optional(),
    TENCENTCLOUD_SECRET_ID: z.string().min(1).default(DEFAULT_EMULATOR_CREDENTIALS.secretId),
    TENCENTCLOUD_SECRET_KEY: z.string().min(1).default(DEFAULT_EMULATOR_CREDENTIALS.secretKey),
    TENCENTCLOUD_SESSION_TOKEN: z.string().min(1).optional(),
  })
  .safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== '')));

if (!env.success) {
  const issue = env.error.issues[0]!;
  console.error(`emulator: ${issue.path.join('.')}: ${issue.message}`);
  process.exit(1);
}

const {
  EMULATOR_PORT,
  EMULATOR_HOST,
  EMULATOR_RATE_LIMIT_PER_SECOND,
  EMULATOR_STS_MAX_LIFETIME_SECONDS,
  TENCENTCLOUD_SECRET_ID,
  TENCENTCLOUD_SECRET_KEY,
  TENCENTCLOUD_SESSION_TOKEN,
} = env.data;
const emulator = await startEmulator({
  host: EMULATOR_HOST,
  port: EMULATOR_PORT,
  rateLimitPerSecond: EMULATOR_RATE_LIMIT_PER_SECOND,
  seed: true,
  sts: { maxLifetimeSeconds: EMULATOR_STS_MAX_LIFETIME_SECONDS },
  credentials: {
    secretId: TENCENTCLOUD_SECRET_ID,
    secretKey: TENCENTCLOUD_SECRET_KEY,
    ...(TENCENTCLOUD_SESSION_TOKEN ? { token: TENCENTCLOUD_SESSION_TOKEN } : {}),
  },
});
console.log(`Tencent e-sign emulator listening on ${emulator.url}`);
console.log(`  verifying signatures of SecretId ${TENCENTCLOUD_SECRET_ID} (seeded with the demo records)`);
console.log(
  `  STS (AssumeRole, AssumeRoleWithWebIdentity) at the same address; temporary credentials live ${EMULATOR_STS_MAX_LIFETIME_SECONDS ?? 'as asked, up to 43200'} s`,
);
console.log(`  control API: ${emulator.url}/_emulator/calls, ${emulator.url}/_emulator/faults`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void emulator.close().then(() => process.exit(0)));
}

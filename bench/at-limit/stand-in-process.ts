/**
 * The stand-in in a process of its own, so the load generator's work cannot
 * delay its record of arrivals. argv: the model's name. It warms itself up
 * first (Tencent is a warm server: a cold process would take the first burst
 * late and bunch it up), then says `{ type: 'ready', url }` over IPC, and
 * answers `{ type: 'arrivals' }` with its record.
 */
import { Pool } from 'undici';
import { MODEL_NAMES, type ModelName, modelNamed } from './models.js';
import { startStandIn } from './stand-in.js';

const name = process.argv[2] as ModelName;
if (!MODEL_NAMES.includes(name)) throw new Error(`unknown model ${name}; one of ${MODEL_NAMES.join(', ')}`);
const standIn = await startStandIn(modelNamed(name));
const warm = new Pool(standIn.url, { connections: 20 });
for (let round = 0; round < 20; round++) {
  await Promise.all(
    Array.from({ length: 20 }, () =>
      warm
        .request({ method: 'POST', path: '/', headers: { 'x-warm-up': '1' }, body: '{"QrCodeId":"warm-up"}' })
        .then((res) => res.body.dump()),
    ),
  );
}
await warm.close();
process.send?.({ type: 'ready', url: standIn.url });
process.on('message', (message: { type: string }) => {
  if (message.type === 'arrivals') process.send?.({ type: 'arrivals', arrivals: standIn.arrivals });
});
process.once('disconnect', () => void standIn.close().then(() => process.exit(0)));

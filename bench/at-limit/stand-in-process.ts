/**
 * The stand-in in a process of its own, so the load generator's work cannot
 * delay its record of arrivals. argv: the model's name. Over IPC it says
 * `{ type: 'ready', url }`, and answers `{ type: 'arrivals' }` with its record.
 */
import { MODEL_NAMES, type ModelName, modelNamed } from './models.js';
import { startStandIn } from './stand-in.js';

const name = process.argv[2] as ModelName;
if (!MODEL_NAMES.includes(name)) throw new Error(`unknown model ${name}; one of ${MODEL_NAMES.join(', ')}`);
const standIn = await startStandIn(modelNamed(name));
process.send?.({ type: 'ready', url: standIn.url });
process.on('message', (message: { type: string }) => {
  if (message.type === 'arrivals') process.send?.({ type: 'arrivals', arrivals: standIn.arrivals });
});
process.once('disconnect', () => void standIn.close().then(() => process.exit(0)));

/** Test helper: a loopback port nothing listens on (the benchmark's helper, shared). */
export { freePort } from '../../bench/loopback.js';

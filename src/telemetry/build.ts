/** What is running: the package's version and Node's, for build_info and the trace resource. */
import { readFileSync } from 'node:fs';

// package.json sits two levels above both src/telemetry and dist/telemetry, and the container image copies it.
const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
};

export const BUILD = { name: manifest.name, version: manifest.version, node: process.versions.node } as const;

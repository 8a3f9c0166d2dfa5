/**
 * A Content-Security-Policy for the bundled GraphiQL page, carried in the page
 * itself: its one inline script is allowed by hash, so no other script runs.
 */
import { createHash } from 'node:crypto';

const INLINE_SCRIPT = /<script>([\s\S]*?)<\/script>/g;

const hashOf = (script: string) => `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;

/** The policy for `page`: its inline scripts by hash; Monaco's editor workers come from blob: URLs it makes. */
export function graphiqlPolicy(page: string): string {
  const scripts = [...page.matchAll(INLINE_SCRIPT)].map(([, body]) => hashOf(body!));
  return [
    "default-src 'self'",
    `script-src ${scripts.join(' ')}`,
    "worker-src 'self' blob:",
    // Monaco and GraphiQL set styles at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
  ].join('; ');
}

/** `page` with its policy as the first element of `<head>`, before any script. */
export function withContentSecurityPolicy(page: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${graphiqlPolicy(page)}" />`;
  return page.replace('<head>', () => `<head>\n      ${meta}`);
}

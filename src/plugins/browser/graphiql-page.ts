/**
 * GraphiQL, served from the bundled copy (no CDN). The page itself is small: its script, styles, icon and editor
 * workers are files at content-hashed URLs under `<endpoint>/graphiql/`, which a browser keeps for good, and each is
 * compressed once per encoding. The page revalidates by its ETag, so a new version is picked up on the next visit.
 * Its Content-Security-Policy lets only its one inline script run, by hash, and what that script loads
 * ('strict-dynamic': the bundle, checked by its integrity hash).
 */
import { createHash } from 'node:crypto';
import type { FetchAPI, GraphiQLOptions, Plugin } from 'graphql-yoga';
import { compress, type Encoding, preferredEncoding } from './compression.js';
import { addVary } from './vary.js';

/** A file served as it is, with its validator and its compressed forms (made on first request, then kept). */
class StaticFile {
  readonly etag: string;
  private readonly encoded = new Map<Encoding, Promise<Uint8Array<ArrayBuffer>>>();

  constructor(
    readonly type: string,
    readonly body: Uint8Array<ArrayBuffer>,
    /** `Cache-Control`: for ever for a content-hashed URL, revalidated for the page. */
    private readonly cacheControl: string,
  ) {
    this.etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  }

  private encodedAs(encoding: Encoding): Promise<Uint8Array<ArrayBuffer>> {
    let body = this.encoded.get(encoding);
    if (body === undefined) {
      body = compress(this.body, encoding, 'static');
      this.encoded.set(encoding, body);
    }
    return body;
  }

  async respond(request: Request, fetchAPI: FetchAPI): Promise<Response> {
    const headers = new fetchAPI.Headers({ etag: this.etag, 'cache-control': this.cacheControl });
    addVary(headers, 'Accept-Encoding');
    if (
      request.headers
        .get('if-none-match')
        ?.split(/\s*,\s*/)
        .includes(this.etag)
    ) {
      return new fetchAPI.Response(null, { status: 304, headers });
    }
    headers.set('content-type', this.type);
    const encoding = preferredEncoding(request.headers.get('accept-encoding'));
    const body = encoding === undefined ? this.body : await this.encodedAs(encoding);
    if (encoding !== undefined) headers.set('content-encoding', encoding);
    headers.set('content-length', String(body.byteLength));
    return new fetchAPI.Response(body, { status: 200, headers });
  }
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

const INLINE_SCRIPT = /<script>([\s\S]*?)<\/script>/g;

const hashOf = (script: string) => `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;

/** The policy for `page`: its inline scripts by hash and what they load; the editor's workers from this origin. */
export function graphiqlPolicy(page: string): string {
  const scripts = [...page.matchAll(INLINE_SCRIPT)].map(([, body]) => hashOf(body!));
  return [
    "default-src 'self'",
    `script-src ${scripts.join(' ')} 'strict-dynamic'`,
    "worker-src 'self'",
    // Monaco and GraphiQL set styles at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
  ].join('; ');
}

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON that may stand inside a `<script>` element: no `</script>` or `<!--` can end or change it. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** What the page's banner says when `query { mode }` answers `SANDBOX`. */
const SANDBOX_BANNER =
  'Sandbox: these operations run against the built-in e-sign emulator and its demo records; nothing reaches Tencent. ' +
  'Run ResetSandbox to put the demo records back.';

interface PageParts {
  endpoint: string;
  options: GraphiQLOptions;
  bundle: { url: string; integrity: string };
  stylesheet: string;
  icon: string;
  workers: Record<string, string>;
}

/** The page's one inline script: the editor's worker URLs, then the bundle (by integrity), then the mode banner. */
function bootstrap({ endpoint, options, bundle, workers }: PageParts): string {
  return `
(() => {
  const workers = ${scriptJson(workers)};
  self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_moduleId, label) => workers[label] };
  const bundle = document.createElement('script');
  bundle.src = ${scriptJson(bundle.url)};
  bundle.integrity = ${scriptJson(bundle.integrity)};
  bundle.onload = () => YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), ${scriptJson(options)});
  document.body.append(bundle);
  fetch(${scriptJson(endpoint)}, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: '{ mode }' }),
  })
    .then((response) => response.json())
    .then((result) => {
      if (result.data && result.data.mode === 'SANDBOX') document.getElementById('sandbox-banner').hidden = false;
    })
    .catch(() => {});
})();
`;
}

function pageHtml(parts: PageParts): string {
  const body = `
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run GraphiQL.</noscript>
    <div id="sandbox-banner" role="status" hidden>${escapeHtml(SANDBOX_BANNER)}</div>
    <div id="root"></div>
    <script>${bootstrap(parts)}</script>
  </body>`;
  const policy = graphiqlPolicy(body);
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta http-equiv="Content-Security-Policy" content="${policy}" />
    <title>${escapeHtml(parts.options.title ?? 'GraphiQL')}</title>
    <link rel="icon" href="${parts.icon}" />
    <link rel="stylesheet" href="${parts.stylesheet}" />
    <style>
      body { margin: 0; height: 100vh; display: flex; flex-direction: column; }
      #root { flex: 1; min-height: 0; }
      #sandbox-banner { padding: 0.4rem 1rem; background: #fff4d6; color: #5c4400; border-bottom: 1px solid #e6c65c;
        font: 14px/1.4 system-ui, sans-serif; }
      #sandbox-banner[hidden] { display: none; }
    </style>
  </head>${body}
</html>
`;
}

interface Site {
  page: StaticFile;
  /** Path → file, for every file the page loads. */
  files: Map<string, StaticFile>;
}

const encoder = new TextEncoder();
const utf8 = (text: string): Uint8Array<ArrayBuffer> => encoder.encode(text);

/** Decodes the bundle's `data:` favicon into a file of its own. */
function dataUrlFile(dataUrl: string): { type: string; body: Uint8Array<ArrayBuffer> } {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(dataUrl);
  if (!match) throw new Error('GraphiQL’s favicon is not a base64 data: URL');
  return { type: match[1]!, body: new Uint8Array(Buffer.from(match[2]!, 'base64')) };
}

/**
 * Builds the page and its files. The bundle is imported on the first visit: loading it costs tens of megabytes a
 * service that never serves GraphiQL keeps.
 */
async function buildSite(endpoint: string, options: GraphiQLOptions): Promise<Site> {
  const bundle = await import('@graphql-yoga/render-graphiql/graphiql');
  const files = new Map<string, StaticFile>();
  const add = (name: string, extension: string, type: string, body: Uint8Array<ArrayBuffer>) => {
    const file = new StaticFile(type, body, IMMUTABLE);
    const hash = createHash('sha256').update(body).digest('base64url').slice(0, 16);
    const url = `${endpoint}/graphiql/${name}.${hash}.${extension}`;
    files.set(url, file);
    return { url, integrity: `sha256-${createHash('sha256').update(body).digest('base64')}` };
  };
  const script = (name: string, source: string) =>
    add(name, 'js', 'application/javascript; charset=utf-8', utf8(source));
  const icon = dataUrlFile(bundle.favicon);
  const parts: PageParts = {
    endpoint,
    options,
    bundle: script('graphiql', bundle.js),
    stylesheet: add('graphiql', 'css', 'text/css; charset=utf-8', utf8(bundle.css)).url,
    icon: add('favicon', 'ico', icon.type, icon.body).url,
    workers: {
      editorWorkerService: script('editor.worker', bundle.editorWorkerService).url,
      json: script('json.worker', bundle.jsonWorker).url,
      graphql: script('graphql.worker', bundle.graphqlWorker).url,
    },
  };
  const page = new StaticFile('text/html; charset=utf-8', utf8(pageHtml(parts)), REVALIDATE);
  return { page, files };
}

const wantsPage = (request: Request) => request.headers.get('accept')?.includes('text/html') ?? false;

/** Serves GraphiQL at `endpoint` to browsers (a GET asking for HTML) and its files under `<endpoint>/graphiql/`. */
export function useGraphiQL(endpoint: string, options: GraphiQLOptions): Plugin {
  let site: Promise<Site> | undefined;
  const built = () => {
    site ??= buildSite(endpoint, options);
    return site;
  };
  const filesPrefix = `${endpoint}/graphiql/`;
  const serve = async (file: () => Promise<StaticFile | undefined>, request: Request, fetchAPI: FetchAPI) => {
    const found = await file();
    return found ? found.respond(request, fetchAPI) : new fetchAPI.Response('Not found', { status: 404 });
  };
  return {
    // Synchronous for every request that is not for GraphiQL: no promise per GraphQL request.
    onRequest({ request, url, fetchAPI, endResponse }) {
      if (request.method !== 'GET') return;
      const { pathname } = url;
      if ((pathname === endpoint || pathname === `${endpoint}/`) && wantsPage(request)) {
        return serve(async () => (await built()).page, request, fetchAPI).then(endResponse);
      }
      if (pathname.startsWith(filesPrefix)) {
        return serve(async () => (await built()).files.get(pathname), request, fetchAPI).then(endResponse);
      }
    },
  };
}

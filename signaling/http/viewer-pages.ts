// The viewer pages (the watch page a grant link opens, and the inbox) carry the routers' media
// capabilities in the page itself: the browser loads its mediasoup Device without a request of
// its own, so a join starts one round trip sooner. Written into the built page as a JSON data
// block (never executed, so the strict CSP stands); the page is read once per build.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';

const VIEWER_PAGES = ['watch.html', 'inbox.html'] as const;

/** The page with the capabilities as a JSON block before </head>. `<` is escaped, so nothing in it can close the block. Pure. */
export function withCapabilities(html: string, capabilities: unknown): string {
  const json = JSON.stringify(capabilities).replace(/</g, '\\u003c');
  const block = `<script type="application/json" id="router-capabilities">${json}</script>\n  `;
  const at = html.indexOf('</head>');
  return at < 0 ? html : `${html.slice(0, at)}${block}${html.slice(at)}`;
}

export const viewerPages: FastifyPluginAsync<{ root: string; capabilities: () => unknown }> = async (app, { root, capabilities }) => {
  const built = new Map<string, { mtimeMs: number; html: string }>();
  for (const page of VIEWER_PAGES) {
    app.get(`/${page}`, { schema: { hide: true } }, async (_request, reply) => {
      const path = join(root, page);
      const { mtimeMs } = await stat(path);
      let cached = built.get(page);
      if (cached?.mtimeMs !== mtimeMs) {
        cached = { mtimeMs, html: withCapabilities(await readFile(path, 'utf8'), capabilities()) };
        built.set(page, cached);
      }
      return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(cached.html);
    });
  }
};

// The page shell, written once and put around every page at build time (a Vite plugin): the
// document head (charset, viewport, colour scheme, title, icon, styles, the page's entry module),
// the top bar with the account and sign-out, the live status line and the sign-in form. A page's
// HTML holds only what is its own, after one <sightline-shell> element that says how it differs:
//
//   <sightline-shell page="watch" title="Live incident" signin="Sign in to open this incident"
//                    referrer="no-referrer" brand="plain" styles="./src/pages/audit/audit.css">
//     <a class="topbar-link" href="./inbox.html">Your inbox</a>   (extra top-bar content)
//   </sightline-shell>
//   <section>…the page…</section>
//
// A part shared by pages (the clinician's viewer: the watch page and the inbox; the live media of
// every viewer, the console's too) is written once in client/parts/ and placed with
// <sightline-part name="…"></sightline-part>.
//
// `page` names the entry (./src/pages/<page>/<page>.ts) and the body class; `signin` adds the
// account, the status line and the sign-in form; `brand="plain"` keeps the brand from linking
// home (a page one should not leave by accident). Pure, apart from the plugin wrapper.
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

export interface ShellOptions {
  page: string;
  title: string;
  /** The sign-in form's heading; without it the page has no account, status line or sign-in. */
  signin?: string;
  referrer?: string;
  /** 'plain': the brand does not link to the home page. */
  brand?: 'link' | 'plain';
  /** Extra stylesheets, space-separated. */
  styles?: string;
  /** Extra top-bar content (links), as written. */
  topbar?: string;
}

const SHELL = /^\s*<sightline-shell\b([^>]*)>([\s\S]*?)<\/sightline-shell>\s*/;
const ATTRIBUTE = /([a-z-]+)="([^"]*)"/g;

const indent = (text: string, by: string) => text.replace(/^(?=.)/gm, by);
const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Reads the <sightline-shell> element at the top of a page; null when the page has none. */
export function readShell(html: string): { options: ShellOptions; rest: string } | null {
  const match = SHELL.exec(html);
  if (!match) return null;
  const attributes = Object.fromEntries([...match[1]!.matchAll(ATTRIBUTE)].map((m) => [m[1]!, m[2]!]));
  if (!attributes.page || !attributes.title) throw new Error('<sightline-shell> needs page="..." and title="..."');
  if (attributes.brand !== undefined && attributes.brand !== 'plain' && attributes.brand !== 'link') throw new Error(`<sightline-shell brand="${attributes.brand}">: 'link' or 'plain'`);
  const options: ShellOptions = {
    page: attributes.page,
    title: attributes.title,
    ...(attributes.signin ? { signin: attributes.signin } : {}),
    ...(attributes.referrer ? { referrer: attributes.referrer } : {}),
    ...(attributes.brand ? { brand: attributes.brand as 'link' | 'plain' } : {}),
    ...(attributes.styles ? { styles: attributes.styles } : {}),
    ...(match[2]!.trim() ? { topbar: match[2]!.trim() } : {}),
  };
  return { options, rest: html.slice(match[0].length) };
}

function signInSection(heading: string): string {
  return `<section id="signin" class="card narrow" hidden aria-labelledby="signin-title">
        <h1 id="signin-title">${escapeHtml(heading)}</h1>
        <form id="signin-form" novalidate>
          <label for="signin-username">Username</label>
          <input id="signin-username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required data-testid="login-username" />
          <label for="signin-password">Password</label>
          <input id="signin-password" name="password" type="password" autocomplete="current-password" required data-testid="login-password" />
          <p id="signin-error" class="form-error" role="alert" hidden data-testid="login-error"></p>
          <button type="submit" class="primary" data-testid="login-submit">Sign in</button>
        </form>
      </section>`;
}

/** The whole document: the shell around the page's own content. */
export function renderShell(options: ShellOptions, content: string): string {
  const title = options.page === 'home' ? 'Sightline' : `Sightline · ${options.title}`;
  const styles = ['./src/ui/styles.css', ...(options.styles?.split(/\s+/).filter(Boolean) ?? [])];
  const brand = options.brand === 'plain' ? '<span class="brand">Sightline</span>' : '<a class="brand" href="./">Sightline</a>';
  const account = options.signin
    ? `
      <div id="account" class="account" hidden>
        <span id="account-name"></span>
        <button id="signout" type="button" class="link-button" data-testid="signout">Sign out</button>
      </div>`
    : '';
  const top = options.signin
    ? `
      <p id="status" class="status" role="status" aria-live="polite" data-testid="status"></p>

      ${signInSection(options.signin)}
`
    : '';
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="color-scheme" content="light dark" />${options.referrer ? `\n    <meta name="referrer" content="${escapeHtml(options.referrer)}" />` : ''}
    <title>${escapeHtml(title)}</title>
    <link rel="icon" type="image/svg+xml" href="./src/ui/icon.svg" />
${styles.map((href) => `    <link rel="stylesheet" href="${escapeHtml(href)}" />`).join('\n')}
    <script type="module" src="./src/pages/${options.page}/${options.page}.ts"></script>
  </head>
  <body class="page-${options.page === 'home' ? 'index' : options.page}">
    <header class="topbar">
      ${brand}
      <span class="page-title">${escapeHtml(options.title)}</span>${options.topbar ? `\n      ${options.topbar}` : ''}${account}
    </header>
    <main>${top}
${indent(content.trimEnd(), '    ')}
    </main>
  </body>
</html>
`;
}

const PART = /^([ \t]*)<sightline-part name="([a-z-]+)"><\/sightline-part>[ \t]*$/gm;

/**
 * Puts shared page parts in place: `<sightline-part name="viewer"></sightline-part>` on a line of
 * its own becomes the part's HTML (client/parts/viewer.html), indented as the element was. Pure:
 * `read` gives a part's HTML by name.
 */
export function expandParts(html: string, read: (name: string) => string): string {
  // A part may place parts of its own (the viewer places the live media).
  return html.replace(PART, (_match, indentBy: string, name: string) => indent(expandParts(read(name), read).trimEnd(), indentBy));
}

const readPart = (name: string): string => readFileSync(new URL(`./parts/${name}.html`, import.meta.url), 'utf8');

/** The Vite plugin: every page with a <sightline-shell> is built into the whole document, before Vite reads its scripts. */
export function pageShell(): Plugin {
  return {
    name: 'sightline-page-shell',
    transformIndexHtml: {
      order: 'pre',
      handler(html) {
        const shell = readShell(html);
        return shell ? renderShell(shell.options, expandParts(shell.rest, readPart)) : html;
      },
    },
  };
}

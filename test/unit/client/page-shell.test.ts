import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandParts, readShell, renderShell } from '../../../client/page-shell.ts';

const CLIENT = join(import.meta.dirname, '../../../client');

describe('the page shell', () => {
  it('puts a shared part in place, indented as its element was, and leaves other text alone', () => {
    const read = (name: string) => (name === 'viewer' ? '<section id="viewer">\n  <p>shared</p>\n</section>\n' : '');
    const html = `<h1>page</h1>\n    <sightline-part name="viewer"></sightline-part>\n<p>after: <sightline-part name="viewer"></sightline-part> inline is not a part</p>\n`;
    expect(expandParts(html, read)).toBe(
      `<h1>page</h1>\n    <section id="viewer">\n      <p>shared</p>\n    </section>\n<p>after: <sightline-part name="viewer"></sightline-part> inline is not a part</p>\n`,
    );
  });

  it('expands the parts a part places', () => {
    const parts: Record<string, string> = { outer: '<div>\n  <sightline-part name="inner"></sightline-part>\n</div>\n', inner: '<p>in</p>\n' };
    expect(expandParts('<sightline-part name="outer"></sightline-part>\n', (name) => parts[name]!)).toBe('<div>\n  <p>in</p>\n</div>\n');
  });

  it('the watch page and the inbox carry the same viewer part', () => {
    for (const page of ['watch.html', 'inbox.html']) expect(readFileSync(join(CLIENT, page), 'utf8')).toContain('<sightline-part name="viewer"></sightline-part>');
  });

  it('reads how a page differs from the shell, and renders the whole document around its content', () => {
    const shell = readShell(`<sightline-shell page="watch" title="Live incident" signin="Sign in to open this incident" referrer="no-referrer" brand="plain">
  <a class="topbar-link" href="./inbox.html">Your inbox</a>
</sightline-shell>
<section id="viewer">the page</section>
`);
    expect(shell?.options).toEqual({
      page: 'watch',
      title: 'Live incident',
      signin: 'Sign in to open this incident',
      referrer: 'no-referrer',
      brand: 'plain',
      topbar: '<a class="topbar-link" href="./inbox.html">Your inbox</a>',
    });
    const html = renderShell(shell!.options, shell!.rest);
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<title>Sightline · Live incident</title>');
    expect(html).toContain('<meta name="referrer" content="no-referrer" />');
    expect(html).toContain('<script type="module" src="./src/pages/watch/watch.ts"></script>');
    expect(html).toContain('<body class="page-watch">');
    expect(html).toContain('<span class="brand">Sightline</span>');
    expect(html).toContain('<a class="topbar-link" href="./inbox.html">Your inbox</a>');
    expect(html).toContain('<div id="account" class="account" hidden>');
    expect(html).toContain('<h1 id="signin-title">Sign in to open this incident</h1>');
    for (const id of ['status', 'signin-form', 'signin-username', 'signin-password', 'signin-error']) expect(html).toContain(`id="${id}"`);
    expect(html.indexOf('id="signin"')).toBeLessThan(html.indexOf('<section id="viewer">'));
    expect(html).toMatch(/<main>[\s\S]*<section id="viewer">the page<\/section>\n {4}<\/main>\n {2}<\/body>\n<\/html>\n$/);
  });

  it('a page without sign-in has no account, status line or form; its brand links home; extra styles are linked', () => {
    const html = renderShell({ page: 'audit', title: 'Audit', styles: './src/pages/audit/audit.css' }, '<p>x</p>');
    expect(html).not.toContain('id="account"');
    expect(html).not.toContain('id="signin"');
    expect(html).not.toContain('name="referrer"');
    expect(html).toContain('<a class="brand" href="./">Sightline</a>');
    expect(html).toContain('<link rel="stylesheet" href="./src/ui/styles.css" />\n    <link rel="stylesheet" href="./src/pages/audit/audit.css" />');
  });

  it('escapes what it writes, and refuses a shell without page or title', () => {
    expect(renderShell({ page: 'x', title: 'A <b> & "c"', signin: '<script>' }, '')).toContain('<span class="page-title">A &lt;b&gt; &amp; &quot;c&quot;</span>');
    expect(renderShell({ page: 'x', title: 't', signin: '<script>' }, '')).toContain('<h1 id="signin-title">&lt;script&gt;</h1>');
    expect(() => readShell('<sightline-shell title="t"></sightline-shell>')).toThrow(/page/);
    expect(() => readShell('<sightline-shell page="p" title="t" brand="odd"></sightline-shell>')).toThrow(/brand/);
    expect(readShell('<!doctype html><html></html>')).toBeNull();
  });

  it('every page of the client is written with the shell, and names an entry module that exists', () => {
    const pages = readdirSync(CLIENT).filter((name) => name.endsWith('.html'));
    expect(pages.length).toBeGreaterThanOrEqual(7);
    for (const name of pages) {
      const shell = readShell(readFileSync(join(CLIENT, name), 'utf8'));
      expect(shell, `${name} starts with <sightline-shell>`).not.toBeNull();
      expect(existsSync(join(CLIENT, 'src/pages', shell!.options.page, `${shell!.options.page}.ts`)), `${name}'s entry module`).toBe(true);
      expect(shell!.rest, `${name} repeats no part of the shell`).not.toMatch(/<head>|<header class="topbar">|id="signin"|id="account"/);
    }
  });
});

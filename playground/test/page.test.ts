/**
 * The chat page's contract with browser tests and its safety rules, read from the files the
 * server serves: the documented element ids exist, model and tool text is never parsed as HTML.
 */
import { readFileSync } from 'node:fs';
import { escapeHtml, loginPage, notFoundPage } from '../src/pages.js';

const html = readFileSync(new URL('../public/index.html', import.meta.url), 'utf8');
const js = readFileSync(new URL('../public/app.js', import.meta.url), 'utf8');
const doc = readFileSync(new URL('../../docs/playground.md', import.meta.url), 'utf8');
const pagesSrc = readFileSync(new URL('../src/pages.ts', import.meta.url), 'utf8');

describe('chat page', () => {
  test('every element id and data-part documented in docs/playground.md is in the page or its script', () => {
    const ids = [...doc.matchAll(/`#(pg-[a-z-]+)(?:<n>)?`/g)].map((m) => m[1]!);
    const parts = [...doc.matchAll(/`\[data-part="([a-z-]+)"\]`/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(10);
    expect(parts.length).toBeGreaterThan(5);
    const found = (id: string) =>
      id.endsWith('-') ? js.includes(`id: \`${id}\${`) : [html, pagesSrc].some((s) => s.includes(`id="${id}"`)) || js.includes(`'${id}'`);
    expect(ids.filter((id) => !found(id))).toEqual([]);
    expect(parts.filter((p) => !js.includes(`'data-part': '${p}'`))).toEqual([]);
  });

  test('the script never assigns HTML (innerHTML, outerHTML, insertAdjacentHTML, document.write)', () => {
    expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  test('every form control has a label; the answer is a polite live region', () => {
    for (const id of ['pg-model', 'pg-question']) expect(html).toContain(`<label for="${id}">`);
    expect(js).toContain("'aria-live': 'polite'");
    expect(html).toMatch(/id="pg-error" role="alert"/);
  });
});

describe('server-rendered pages', () => {
  test('escapeHtml escapes the five HTML specials', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
  test('the 404 page escapes the path; the login page links sign-in', () => {
    expect(notFoundPage('/<script>')).toContain('/&lt;script&gt;');
    expect(loginPage()).toContain('href="/oauth2/sign_in?rd=%2F"');
  });
});

describe('app boundary', () => {
  test('playground/src imports only its own modules, node: built-ins and npm packages (nothing of charts/, cli/, keycloak-realm/, mcp-server/)', async () => {
    const { readdirSync } = await import('node:fs');
    const dir = new URL('../src/', import.meta.url);
    const outside: string[] = [];
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const src = readFileSync(new URL(f, dir), 'utf8');
      for (const m of src.matchAll(/from '([^']+)'|import\('([^']+)'\)/g)) {
        const spec = (m[1] ?? m[2])!;
        if (spec.startsWith('../') || /^(charts|cli|keycloak-realm|mcp-server)\//.test(spec)) outside.push(`${f}: ${spec}`);
      }
    }
    expect(outside).toEqual([]);
  });
});

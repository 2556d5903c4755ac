/**
 * Server-rendered pages: the "please sign in" page (no token forwarded) and the 404 page.
 * Every interpolated value is HTML-escaped.
 */

/** oauth2-proxy's sign-in and sign-out paths (its `/oauth2` proxy prefix, the default). */
export const SIGN_IN_PATH = '/oauth2/sign_in';
export const SIGN_OUT_PATH = '/oauth2/sign_out';

/** Escapes `& < > " '` for HTML text and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Playground</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<main id="pg-main" class="notice">
${body}
</main>
</body>
</html>
`;
}

/**
 * The page served with HTTP 401 when no access token was forwarded: the Playground is only
 * reached through oauth2-proxy, which forwards `X-Forwarded-Access-Token` after sign-in.
 * Element ids: `#pg-login` (the notice), `#pg-sign-in` (the sign-in link).
 */
export function loginPage(): string {
  return page(
    'Sign in',
    `<section id="pg-login" aria-labelledby="pg-login-title">
<h1 id="pg-login-title">Sign in to use the Playground</h1>
<p>The Playground talks to Llama Stack and the cluster as you, so it needs your sign-in. No sign-in reached it with this request.</p>
<p><a id="pg-sign-in" class="button" href="${SIGN_IN_PATH}?rd=%2F">Sign in</a></p>
<p class="hint">If you have just signed in and still see this page, the sign-in proxy does not pass your access token on; ask the administrator to check the Playground's oauth2-proxy (<code>--pass-access-token</code>).</p>
</section>`,
  );
}

/** 404 page (`#pg-not-found`). */
export function notFoundPage(path: string): string {
  return page(
    'Not found',
    `<section id="pg-not-found"><h1>Not found</h1><p>There is nothing at <code>${escapeHtml(path)}</code>. <a href="/">Back to the Playground</a></p></section>`,
  );
}

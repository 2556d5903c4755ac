/**
 * STAND-IN for the Playground UI container (until the Playground app of issue 9's Playground
 * part is merged): listens on the local port of the pod's `ui` container port, where the
 * synthesized oauth2-proxy sidecar's `--upstream` points, and for every page request
 *   - records the `X-Forwarded-Access-Token` oauth2-proxy forwarded (in memory only, never logged),
 *   - calls the real MCP server with it (`pods_list_in_namespace` in `?ns=`, default `namespace`),
 *   - answers an HTML page naming the token's user, its remaining lifetime and the tool result.
 * It is the only part of the journey that is not a real program of dist/.
 */
import { createServer, type Server } from 'node:http';
import { decodeJwt } from 'jose';
import { mcpClient, resultText } from '../kube/mcp-client.js';

/** What one request through oauth2-proxy brought to the upstream. */
export interface UpstreamVisit {
  /** When it arrived (ms since epoch). */
  readonly at: number;
  readonly path: string;
  /** The forwarded access token ('' when none). */
  readonly token: string;
  readonly claims?: { preferred_username?: string; aud?: string | string[]; exp?: number; iat?: number; azp?: string; sid?: string };
  /** Namespace the tool call listed. */
  readonly namespace: string;
  /** The MCP tool call made with the token. */
  readonly mcp?: { readonly isError: boolean; readonly text: string };
  /** Error of the MCP call itself (e.g. 401 for an expired token). */
  readonly mcpError?: string;
}

/** A running stand-in. */
export interface StandInUpstream {
  readonly visits: UpstreamVisit[];
  close(): Promise<void>;
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * Starts the stand-in on 127.0.0.1:`port`.
 * @param mcpUrl the MCP server's Streamable HTTP endpoint (its Service URL mapped to loopback)
 * @param namespace the namespace whose pods it lists as the user
 */
export async function startStandInUpstream(port: number, mcpUrl: string, namespace: string): Promise<StandInUpstream> {
  const visits: UpstreamVisit[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = req.url ?? '/';
      if (path === '/health') {
        res.writeHead(200).end('ok');
        return;
      }
      const token = String(req.headers['x-forwarded-access-token'] ?? '');
      const ns = new URL(path, 'http://stand-in').searchParams.get('ns') || namespace;
      let claims: UpstreamVisit['claims'];
      let mcp: UpstreamVisit['mcp'];
      let mcpError: string | undefined;
      if (token) {
        claims = decodeJwt(token) as UpstreamVisit['claims'];
        try {
          const client = await mcpClient(mcpUrl, token);
          try {
            const r = await client.callTool({ name: 'pods_list_in_namespace', arguments: { namespace: ns } });
            mcp = { isError: r.isError === true, text: resultText(r) };
          } finally {
            await client.close().catch(() => undefined);
          }
        } catch (e) {
          mcpError = e instanceof Error ? e.message.split('\n')[0] : String(e);
        }
      }
      visits.push({ at: Date.now(), path, namespace: ns, token, claims, mcp, mcpError });
      const left = claims?.exp ? claims.exp - Math.floor(Date.now() / 1000) : undefined;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`<!doctype html><html><head><title>Playground stand-in</title></head><body style="font-family:sans-serif">
<h1>Playground stand-in upstream</h1>
<p id="user">user: ${escapeHtml(claims?.preferred_username ?? '(no token)')}</p>
<p id="token">access token: aud ${escapeHtml(JSON.stringify(claims?.aud ?? null))}, expires in ${left ?? '?'} s</p>
<h2>MCP server: pods_list_in_namespace ${escapeHtml(ns)}</h2>
<pre id="mcp">${escapeHtml(mcpError ? `error: ${mcpError}` : mcp ? `${mcp.isError ? 'isError ' : ''}${mcp.text}` : '(not called)')}</pre>
<p><a id="sign-out" href="/oauth2/sign_out">Sign out</a></p>
</body></html>`);
    })().catch((e) => {
      res.writeHead(500).end(String(e));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    visits,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

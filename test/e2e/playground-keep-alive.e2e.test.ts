/**
 * The Playground behind the real oauth2-proxy (v7.15.6, test/e2e/oauth2-proxy/build.sh): an idle
 * keep-alive connection between them is closed by oauth2-proxy, never by the Playground.
 *
 * Why (docs/e2e.md, "A chat POST dropped between oauth2-proxy and the Playground"): oauth2-proxy's
 * upstream transport is a clone of Go's `http.DefaultTransport` (pkg/upstream/http.go
 * newReverseProxy), which keeps idle connections for `IdleConnTimeout` = 90 s and reuses them.
 * Node closes an idle server socket after `keepAliveTimeout` + 1 s (Node 20's
 * HTTP_SERVER_KEEP_ALIVE_TIMEOUT_BUFFER; default 5 s → 6 s). A request the proxy writes on a
 * connection the Playground is closing at that moment is lost, and Go does not retry a POST with
 * a body (not replayable): oauth2-proxy answers 502 ("Error proxying to upstream server: … write:
 * broken pipe"). With the Playground's keep-alive longer than the proxy's idle timeout
 * (playground/src/server.ts), the proxy always closes first, and a client closing its own idle
 * connection races with nothing.
 *
 * The oauth2-proxy arguments are those of the synthesized Playground Deployment (the reference
 * stack), with the provider switched to offline endpoints (`--skip-oidc-discovery`: no Keycloak
 * is needed for a skip-auth route, and none of the upstream transport depends on the provider);
 * the request is a POST to a skip-auth route (`/static/…`), answered by the Playground itself.
 * The Playground runs in this process (playground/src/server.ts startPlayground, the code the
 * image runs) so the test sees its sockets. No timed assertion: the test waits past the old
 * close point, then for the connection's end, and asserts on which side ended it.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { ensureOAuth2Proxy } from './oauth2-proxy/binary.js';
import { PLAYGROUND_PORTS } from '../../charts/playground.js';
import { synthStack } from '../support/stack.js';
import { startPlayground, type RunningPlayground } from '../../playground/src/server.js';

/** How each upstream connection the Playground accepted ended. */
interface UpstreamConnection {
  readonly socket: Socket;
  /** The peer (oauth2-proxy) sent its FIN. */
  endedByPeer: boolean;
  /** The Playground's own idle timeout fired (it then destroys the socket). */
  timedOut: boolean;
  readonly closed: Promise<void>;
}

let playground: RunningPlayground;
let proxy: ChildProcess;
let proxyLog = '';
let proxyPort = 0;
const upstream: UpstreamConnection[] = [];

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** The oauth2-proxy sidecar's args from the synthesized reference stack. */
function synthesizedProxyArgs(): string[] {
  const deployment = synthStack().objects.find(
    (o) => o.kind === 'Deployment' && o.spec?.template?.spec?.containers?.some((c: any) => c.name === 'oauth2-proxy'),
  );
  const args = deployment?.spec.template.spec.containers.find((c: any) => c.name === 'oauth2-proxy').args as string[] | undefined;
  if (!args) throw new Error('no oauth2-proxy container in the synthesized stack');
  return args;
}

/** POSTs a small JSON body to oauth2-proxy on a fresh client connection; resolves status and the Playground's marker header. */
function post(path: string): Promise<{ status: number; fromPlayground: boolean }> {
  const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: proxyPort,
        method: 'POST',
        path,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        // The Playground sets this on every response; oauth2-proxy's own error page does not.
        res.on('end', () => resolve({ status: res.statusCode ?? 0, fromPlayground: res.headers['x-frame-options'] === 'DENY' }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  const bin = await ensureOAuth2Proxy();
  playground = await startPlayground({
    port: 0,
    host: '127.0.0.1',
    llamaStackUrl: 'http://127.0.0.1:9',
    apiBasePath: '/v1/openai/v1',
    mcpServerUrl: 'http://127.0.0.1:9/mcp',
    mcpServerLabel: 'kubernetes',
    mcpAuth: 'headers',
    timeoutMs: 10_000,
    logLevel: 'silent',
  });
  playground.server.on('connection', (socket: Socket) => {
    const c = { socket, endedByPeer: false, timedOut: false, closed: new Promise<void>((r) => socket.once('close', () => r())) };
    socket.once('end', () => (c.endedByPeer = true));
    socket.once('timeout', () => (c.timedOut = true));
    upstream.push(c);
  });

  proxyPort = await freePort();
  const pgPort = new URL(playground.url).port;
  const dist = synthesizedProxyArgs();
  const issuer = dist.find((a) => a.startsWith('--oidc-issuer-url='))!.slice('--oidc-issuer-url='.length);
  expect(dist).toContain(`--upstream=http://localhost:${PLAYGROUND_PORTS.ui}`);
  const args = [
    ...dist
      // Offline provider: the CA file and the logout URL belong to the cluster's Keycloak.
      .filter((a) => !/^--(provider-ca-file|backend-logout-url)=/.test(a))
      .map((a) =>
        a.startsWith('--upstream=')
          ? `--upstream=http://127.0.0.1:${pgPort}`
          : a.startsWith('--http-address=')
            ? `--http-address=127.0.0.1:${proxyPort}`
            : a.startsWith('--trusted-proxy-ip=')
              ? '--trusted-proxy-ip=127.0.0.1/32'
              : a,
      ),
    '--skip-oidc-discovery',
    `--login-url=${issuer}/protocol/openid-connect/auth`,
    `--redeem-url=${issuer}/protocol/openid-connect/token`,
    `--oidc-jwks-url=${issuer}/protocol/openid-connect/certs`,
  ];
  proxy = spawn(bin, args, {
    env: { PATH: process.env.PATH, OAUTH2_PROXY_CLIENT_SECRET: randomBytes(16).toString('hex'), OAUTH2_PROXY_COOKIE_SECRET: randomBytes(16).toString('hex') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proxy.stdout!.on('data', (d: Buffer) => (proxyLog += d.toString()));
  proxy.stderr!.on('data', (d: Buffer) => (proxyLog += d.toString()));
  // Ready once it serves: a POST to a skip-auth route reaches the Playground.
  for (let i = 0; ; i++) {
    const ok = await post('/static/ready').then(
      (r) => r.fromPlayground,
      () => false,
    );
    if (ok) break;
    if (i > 100 || proxy.exitCode !== null) throw new Error(`oauth2-proxy did not serve (exit ${proxy.exitCode}): ${proxyLog.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}, 10 * 60_000);

afterAll(async () => {
  proxy?.kill('SIGTERM');
  await playground?.stop();
});

describe('the Playground behind the real oauth2-proxy', () => {
  test(
    "the idle upstream connection outlives Node's default keep-alive (5 s + 1 s) and is closed by oauth2-proxy, not by the Playground",
    async () => {
      const first = await post('/static/chat');
      expect(first).toEqual({ status: 405, fromPlayground: true });
      expect(upstream).toHaveLength(1);
      // Past the point where a Playground with Node's default keep-alive closes the connection
      // (the moment the CI drop happened): the proxy's next POST goes on the same connection.
      await new Promise((r) => setTimeout(r, 7_500));
      const second = await post('/static/chat');
      expect(second).toEqual({ status: 405, fromPlayground: true });
      expect({ upstreamConnections: upstream.length, playgroundTimedOut: upstream[0]!.timedOut }).toEqual({
        upstreamConnections: 1,
        playgroundTimedOut: false,
      });
      // Then idle until one side ends it: the proxy (Go's IdleConnTimeout, 90 s) ends it first.
      await upstream[0]!.closed;
      expect({ endedByProxy: upstream[0]!.endedByPeer, playgroundTimedOut: upstream[0]!.timedOut }).toEqual({ endedByProxy: true, playgroundTimedOut: false });
      expect(proxyLog).not.toMatch(/Error proxying to upstream server/);
    },
    4 * 60_000,
  );
});

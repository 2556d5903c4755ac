/**
 * The OpenShift router's part for an edge-terminated Route, played by the browser test: a small
 * TLS front on loopback that terminates HTTPS for the Route host and forwards every request to
 * the Service's backend (here oauth2-proxy's local port), adding what the router adds
 * (`X-Forwarded-Proto: https`, `X-Forwarded-Host`, `X-Forwarded-For`, `X-Forwarded-Port: 443`).
 * The browser reaches it through `--host-resolver-rules=MAP <route host> 127.0.0.1:<port>`.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A running TLS front. */
export interface EdgeRoute {
  /** Loopback port it listens on. */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts the front for `host`, forwarding to `http://127.0.0.1:<backendPort>`.
 * @param tls PEM certificate and key files (the test's own CA)
 */
export async function startEdgeRoute(host: string, backendPort: number, tls: { certFile: string; keyFile: string }): Promise<EdgeRoute> {
  const server: Server = createServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, (req, res) => {
    const headers = { ...req.headers };
    const forwardedFor = [headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
    Object.assign(headers, {
      'x-forwarded-proto': 'https',
      'x-forwarded-host': host,
      'x-forwarded-port': '443',
      'x-forwarded-for': forwardedFor,
    });
    const upstream = httpRequest({ host: '127.0.0.1', port: backendPort, method: req.method, path: req.url, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
      // A backend that drops the response mid-way drops it for the browser too (as the router
      // does), instead of leaving the browser waiting on a response that never ends.
      up.on('aborted', () => res.destroy());
      up.on('error', () => res.destroy());
    });
    upstream.on('error', (e) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`edge route: backend unreachable (${e.message})`);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

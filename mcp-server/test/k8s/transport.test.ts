/**
 * TLS per cluster, credentials per request: calls by many different users share the cluster's
 * keep-alive TLS connections, and every request still carries its own caller's bearer token.
 * The server is a real TLS server (node:https with an openssl self-signed certificate) that
 * counts handshakes and echoes the Authorization header it received.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeConfigForToken, type ClusterTarget } from '../../src/k8s/cluster.js';
import { kubeRequest } from '../../src/k8s/request.js';
import { closeAllTransports, transportFor } from '../../src/k8s/transport.js';

interface TlsServer {
  target: ClusterTarget;
  handshakes: () => number;
  close(): Promise<void>;
}

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kms-transport-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
});

afterAll(() => {
  closeAllTransports();
  rmSync(dir, { recursive: true, force: true });
});

async function startTlsServer(opts: { dropSecondRequestOnConnection?: boolean } = {}): Promise<TlsServer> {
  const cert = readFileSync(join(dir, 'cert.pem'));
  let handshakes = 0;
  const served = new WeakMap<object, number>();
  const server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
    const n = (served.get(req.socket) ?? 0) + 1;
    served.set(req.socket, n);
    // What an apiserver closing an idle keep-alive connection looks like to the client: a reset.
    if (opts.dropSecondRequestOnConnection && n === 2) {
      req.socket.destroy();
      return;
    }
    // A little latency so concurrent requests really overlap.
    setTimeout(() => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ kind: 'Echo', authorization: req.headers.authorization ?? null, path: req.url }));
    }, 5);
  });
  server.on('secureConnection', () => handshakes++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    // A new port per server: a target (and so a transport) of its own.
    target: { name: 'tls-test', server: `https://127.0.0.1:${port}`, caData: cert.toString('base64'), skipTLSVerify: false, namespace: 'default' },
    handshakes: () => handshakes,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function callAs(target: ClusterTarget, token: string): Promise<string | null> {
  const kc = kubeConfigForToken(target, token);
  const echo = await kubeRequest<{ authorization: string | null }>(kc, { path: '/api/v1/namespaces/default/pods' });
  return echo.authorization;
}

describe('cluster transport (TLS per cluster, credentials per request)', () => {
  it('50 sequential calls by 50 different users open one TLS connection, each carrying its own token', async () => {
    const srv = await startTlsServer();
    try {
      const seen: Array<[string, string | null]> = [];
      for (let i = 0; i < 50; i++) {
        const token = `token-of-user-${i}`;
        seen.push([token, await callAs(srv.target, token)]);
      }
      for (const [token, received] of seen) expect(received).toBe(`Bearer ${token}`);
      expect(srv.handshakes()).toBeGreaterThanOrEqual(1);
      expect(srv.handshakes()).toBeLessThanOrEqual(2);
      expect(transportFor(srv.target)?.connections()).toBe(srv.handshakes());
    } finally {
      await srv.close();
    }
  });

  it("concurrent calls by different users never carry another caller's token; connections stay at the concurrency", async () => {
    const srv = await startTlsServer();
    try {
      const concurrency = 4;
      const users = Array.from({ length: 40 }, (_, i) => `concurrent-user-${i}`);
      const results: Array<[string, string | null]> = [];
      for (let i = 0; i < users.length; i += concurrency) {
        const batch = users.slice(i, i + concurrency);
        results.push(...(await Promise.all(batch.map(async (u) => [u, await callAs(srv.target, u)] as [string, string | null]))));
      }
      expect(results).toHaveLength(users.length);
      for (const [token, received] of results) expect(received).toBe(`Bearer ${token}`);
      expect(srv.handshakes()).toBeLessThanOrEqual(concurrency);
    } finally {
      await srv.close();
    }
  });

  it('a GET on a pooled connection the server reset is sent once more on a new connection', async () => {
    const srv = await startTlsServer({ dropSecondRequestOnConnection: true });
    try {
      expect(await callAs(srv.target, 'first-user')).toBe('Bearer first-user');
      expect(await callAs(srv.target, 'second-user')).toBe('Bearer second-user');
      expect(srv.handshakes()).toBe(2);
    } finally {
      await srv.close();
    }
  });
});

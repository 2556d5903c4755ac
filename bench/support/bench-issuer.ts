/**
 * A minimal HTTPS OpenID provider for the MCP server benchmark, standing in for Keycloak so that
 * the measured time is the MCP server's and the Kubernetes API's, not Keycloak's.
 *
 * Unlike the unit tests' issuer stub (mcp-server/test/server/support/issuer-stub.ts), whose
 * exchanged tokens are opaque strings, the token endpoint here answers RFC 8693 exchanges with
 * signed JWTs (`aud` = the requested `audience`, `preferred_username`, `groups` copied from the
 * subject token), so a real kube-apiserver configured with a JWT authenticator for this issuer
 * accepts them. Serves: `/.well-known/openid-configuration`, the JWKS, and the token endpoint
 * (client authentication `client_secret_basic`; the subject token is verified with jose).
 * The signing key pair comes from the issuer stub's `newSigningKey` (RS256).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, createLocalJWKSet, jwtVerify } from 'jose';
import { newSigningKey, type SigningKey } from '../../mcp-server/test/server/support/issuer-stub.js';

/** A running bench issuer. */
export interface BenchIssuer {
  /** `https://127.0.0.1:<port>/realms/bench` */
  readonly issuer: string;
  /** PEM of the issuer's self-signed certificate (the CA to trust). */
  readonly caPem: string;
  readonly caFile: string;
  /** Exchanges answered so far. */
  readonly exchanges: () => number;
  /** A user's access token for the MCP server (`aud` = `mcp-server`, scope `openid mcp-server`), valid `lifetimeSeconds`. */
  userToken(username: string, groups: string[], lifetimeSeconds?: number): Promise<string>;
  close(): Promise<void>;
}

/** Options of {@link startBenchIssuer}. */
export interface BenchIssuerOptions {
  /** Client that may exchange tokens, and its secret. */
  readonly clientId: string;
  readonly clientSecret: string;
  /** Lifetime of exchanged tokens in seconds. @default 300 */
  readonly exchangedLifetime?: number;
}

function selfSignedCert(dir: string): { key: string; cert: string; certFile: string } {
  const keyFile = join(dir, 'tls.key');
  const certFile = join(dir, 'tls.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=bench-issuer',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

function readBody(req: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts the issuer on 127.0.0.1 with a random port. */
export async function startBenchIssuer(options: BenchIssuerOptions): Promise<BenchIssuer> {
  const dir = mkdtempSync(join(tmpdir(), 'kms-bench-issuer-'));
  const tls = selfSignedCert(dir);
  const key: SigningKey = await newSigningKey('bench-1');
  const jwks = createLocalJWKSet({ keys: [key.jwk] });
  const lifetime = options.exchangedLifetime ?? 300;
  const realmPath = '/realms/bench';
  let issuer = '';
  let exchanges = 0;

  const sign = (claims: Record<string, unknown>, audience: string | string[], seconds: number) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setJti(randomUUID()) // tokens minted in the same second must still differ
      .setExpirationTime(`${seconds}s`)
      .sign(key.privateKey);

  // RFC 6749 §2.3.1: id and secret are form-urlencoded before base64, so compare decoded values.
  const basicMatches = (header: string | undefined): boolean => {
    if (!header?.startsWith('Basic ')) return false;
    const [id, secret] = Buffer.from(header.slice(6), 'base64')
      .toString('utf8')
      .split(':')
      .map((p) => decodeURIComponent(p.replace(/\+/g, ' ')));
    return id === options.clientId && secret === options.clientSecret;
  };

  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const path = new URL(req.url ?? '/', 'https://x').pathname;
    if (path === `${realmPath}/.well-known/openid-configuration`) {
      return send(200, {
        issuer,
        jwks_uri: `${issuer}/protocol/openid-connect/certs`,
        token_endpoint: `${issuer}/protocol/openid-connect/token`,
        authorization_endpoint: `${issuer}/protocol/openid-connect/auth`,
        grant_types_supported: ['urn:ietf:params:oauth:grant-type:token-exchange'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (path === `${realmPath}/protocol/openid-connect/certs`) return send(200, { keys: [key.jwk] });
    if (path === `${realmPath}/protocol/openid-connect/token` && req.method === 'POST') {
      void (async () => {
        const params = new URLSearchParams(await readBody(req));
        if (!basicMatches(req.headers.authorization)) return send(401, { error: 'unauthorized_client' });
        if (params.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:token-exchange') return send(400, { error: 'unsupported_grant_type' });
        const audience = params.get('audience');
        if (!audience) return send(400, { error: 'invalid_request' });
        let subject: Record<string, unknown>;
        try {
          subject = (await jwtVerify(params.get('subject_token') ?? '', jwks, { issuer })).payload;
        } catch {
          return send(400, { error: 'invalid_request', error_description: 'Invalid token' });
        }
        exchanges++;
        const accessToken = await sign(
          {
            sub: subject.sub,
            preferred_username: subject.preferred_username,
            groups: subject.groups,
            azp: options.clientId,
            scope: params.get('scope') ?? '',
          },
          audience,
          lifetime,
        );
        send(200, {
          access_token: accessToken,
          token_type: 'Bearer',
          expires_in: lifetime,
          issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        });
      })().catch(() => send(500, { error: 'server_error' }));
      return;
    }
    send(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}${realmPath}`;

  return {
    issuer,
    caPem: tls.cert,
    caFile: tls.certFile,
    exchanges: () => exchanges,
    userToken: (username, groups, lifetimeSeconds = 600) =>
      sign(
        { sub: `user-${username}`, preferred_username: username, groups, azp: 'mcp-client', scope: 'openid mcp-server' },
        ['mcp-server', 'account'],
        lifetimeSeconds,
      ),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

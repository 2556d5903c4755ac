/**
 * In-process stand-in for a Keycloak realm, for unit tests only: HTTPS with a throw-away
 * self-signed certificate (openssl), OIDC discovery, a JWKS, and a token endpoint that answers
 * RFC 8693 exchanges. Real Keycloak is exercised by the e2e suite.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type CryptoKey } from 'jose';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
}

export async function newSigningKey(kid: string, alg = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, privateKey, jwk };
}

export interface ExchangeRequest {
  readonly params: URLSearchParams;
  /** `client_id:client_secret` decoded from HTTP Basic. */
  readonly basic?: string;
}

export interface IssuerStub {
  readonly issuer: string;
  /** PEM of the self-signed certificate (the CA to trust). */
  readonly caPem: string;
  readonly caFile: string;
  readonly dir: string;
  keys: SigningKey[];
  readonly exchanges: ExchangeRequest[];
  jwksFetches: number;
  /** Client secret the token endpoint accepts. */
  clientSecret: string;
  /** When set, the token endpoint answers this OAuth error (HTTP 400). */
  failWith?: string;
  /** error_description sent with `failWith`. @default 'secret details from keycloak' */
  failDescription?: string;
  /** Lifetime of exchanged tokens, seconds. */
  exchangedLifetime: number;
  /** Milliseconds the token endpoint waits before answering. */
  exchangeDelayMs: number;
  /**
   * Exchanged tokens are JWTs signed with the first key: `iss` the issuer, `aud` the requested
   * audience, `exp` now + `exchangedLifetime`, `jti` "exchanged-N-for-<last 12 chars of the
   * subject token>". These claims override (undefined removes one).
   */
  exchangedClaims?: Record<string, unknown>;
  /** The response's issued_token_type (null: left out). @default the access-token type */
  issuedTokenType?: string | null;
  /** When set, the token endpoint answers this string as access_token instead of a JWT. */
  exchangedRaw?: string;
  /** Sign an access token for this issuer (override any claim; `alg`/`kid` via header). */
  token(claims?: Record<string, unknown>, opts?: { key?: SigningKey; issuer?: string; expiresIn?: string | number }): Promise<string>;
  close(): Promise<void>;
}

function selfSigned(dir: string): { key: string; cert: string; certFile: string } {
  const keyFile = join(dir, 'tls.key');
  const certFile = join(dir, 'ca.crt');
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
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

export async function startIssuerStub(realmPath = '/realms/test'): Promise<IssuerStub> {
  const dir = mkdtempSync(join(tmpdir(), 'issuer-stub-'));
  const tls = selfSigned(dir);
  let counter = 0;
  const stub = {} as IssuerStub;
  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const url = new URL(req.url ?? '/', stub.issuer);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === `${realmPath}/.well-known/openid-configuration`) {
      return send(200, {
        issuer: stub.issuer,
        jwks_uri: `${stub.issuer}/protocol/openid-connect/certs`,
        token_endpoint: `${stub.issuer}/protocol/openid-connect/token`,
        authorization_endpoint: `${stub.issuer}/protocol/openid-connect/auth`,
        grant_types_supported: ['authorization_code', 'urn:ietf:params:oauth:grant-type:token-exchange'],
      });
    }
    if (url.pathname === `${realmPath}/protocol/openid-connect/certs`) {
      stub.jwksFetches++;
      return send(200, { keys: stub.keys.map((k) => k.jwk) });
    }
    if (url.pathname === `${realmPath}/protocol/openid-connect/token` && req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const auth = req.headers.authorization;
        const basic = auth?.startsWith('Basic ')
          ? Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':').map(decodeURIComponent).join(':')
          : undefined;
        stub.exchanges.push({ params, basic });
        setTimeout(() => {
          if (basic !== `mcp-server:${stub.clientSecret}`)
            return send(401, { error: 'unauthorized_client', error_description: 'Invalid client or Invalid client credentials' });
          if (stub.failWith) return send(400, { error: stub.failWith, error_description: stub.failDescription ?? 'secret details from keycloak' });
          counter++;
          const now = Math.floor(Date.now() / 1000);
          const claims: Record<string, unknown> = {
            iss: stub.issuer,
            aud: params.get('audience'),
            sub: 'exchanged-sub',
            iat: now,
            exp: now + stub.exchangedLifetime,
            jti: `exchanged-${counter}-for-${params.get('subject_token')?.slice(-12)}`,
            ...stub.exchangedClaims,
          };
          for (const k of Object.keys(claims)) if (claims[k] === undefined) delete claims[k];
          const key = stub.keys[0]!;
          void new SignJWT(claims)
            .setProtectedHeader({ alg: key.jwk.alg as string, kid: key.kid, typ: 'JWT' })
            .sign(key.privateKey)
            .then((jwt) =>
              send(200, {
                access_token: stub.exchangedRaw ?? jwt,
                token_type: 'Bearer',
                expires_in: stub.exchangedLifetime,
                ...(stub.issuedTokenType === null ? {} : { issued_token_type: stub.issuedTokenType ?? 'urn:ietf:params:oauth:token-type:access_token' }),
              }),
            );
        }, stub.exchangeDelayMs);
      });
      return;
    }
    send(404, { error: 'not_found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  Object.assign(stub, {
    issuer: `https://localhost:${port}${realmPath}`,
    caPem: tls.cert,
    caFile: tls.certFile,
    dir,
    keys: [await newSigningKey('key-1')],
    exchanges: [],
    jwksFetches: 0,
    clientSecret: 'secret-1',
    exchangedLifetime: 300,
    exchangeDelayMs: 0,
  });
  stub.token = async (claims = {}, opts = {}) => {
    const key = opts.key ?? stub.keys[0]!;
    return new SignJWT({ scope: 'openid mcp-server', preferred_username: 'alice', azp: 'mcp-client', ...claims })
      .setProtectedHeader({ alg: key.jwk.alg as string, kid: key.kid, typ: 'JWT' })
      .setIssuer(opts.issuer ?? stub.issuer)
      .setSubject((claims.sub as string | undefined) ?? 'user-alice')
      .setAudience((claims.aud as string | string[] | undefined) ?? ['mcp-server', 'account'])
      .setIssuedAt()
      .setExpirationTime(opts.expiresIn ?? '5m')
      .sign(key.privateKey);
  };
  stub.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  };
  return stub;
}

/** The `jti` of a token the stub exchanged ("exchanged-N-for-…"), or undefined for anything else. */
export function exchangedId(token: string): string | undefined {
  try {
    const jti = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')).jti as unknown;
    return typeof jti === 'string' && jti.startsWith('exchanged-') ? jti : undefined;
  } catch {
    return undefined;
  }
}

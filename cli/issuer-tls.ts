/**
 * Checks of the OIDC issuer over TLS with a given CA bundle, as the cluster will make them:
 * {@link verifyIssuerCertificate} (does the issuer's certificate chain to this CA and match its
 * host, node:tls with only that CA trusted) and {@link checkIssuerAnswers} (the discovery
 * document names the issuer and its JWKS has keys, fetched with the same CA). Used by
 * `kube-mcp-stack apply` before the CA step and before the `Authentication` switch.
 */
import { isIP } from 'node:net';
import { connect } from 'node:tls';
import { Agent, fetch } from 'undici';

/** The issuer's certificate does not validate, or the issuer does not answer as an OIDC issuer. */
export class IssuerCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IssuerCheckError';
  }
}

/** What the TLS handshake showed. */
export interface IssuerCertificate {
  /** Subject CN (or the whole subject) of the leaf certificate. */
  readonly subject: string;
  /** Issuer CN of the leaf certificate. */
  readonly issuer: string;
  /** `valid_to` of the leaf certificate (OpenSSL text form). */
  readonly validTo: string;
}

const cn = (name: Record<string, string | string[]> | undefined): string => {
  const v = name?.CN ?? '';
  return Array.isArray(v) ? v.join(',') : v;
};

/**
 * Opens a TLS connection to the issuer's host trusting only `caPem` and checks that the
 * certificate chains to it and names the host (Node's default server identity check).
 * @param issuerUrl `https://host[:port]/…`
 * @param caPem PEM bundle (one or more CERTIFICATE blocks)
 * @param timeoutMs connect and handshake timeout. @default 10000
 * @throws IssuerCheckError `the certificate of <host:port> does not validate with <caName>: <reason> (subject …, issued by …)`,
 *   or `cannot reach <host:port>: <reason>`
 */
export function verifyIssuerCertificate(issuerUrl: string, caPem: string, caName: string, timeoutMs = 10_000): Promise<IssuerCertificate> {
  const url = new URL(issuerUrl);
  if (url.protocol !== 'https:') return Promise.reject(new IssuerCheckError(`issuer ${issuerUrl} is not https`));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  const where = `${host}:${port}`;
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, ca: caPem, servername: isIP(host) ? undefined : host, rejectUnauthorized: false, timeout: timeoutMs });
    const fail = (e: Error) => {
      socket.destroy();
      reject(e);
    };
    socket.once('timeout', () => fail(new IssuerCheckError(`cannot reach ${where}: no TLS handshake within ${timeoutMs} ms`)));
    socket.once('error', (e) => fail(new IssuerCheckError(`cannot reach ${where}: ${e.message}`)));
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate();
      const cert: IssuerCertificate = {
        subject: cn(peer.subject as never) || JSON.stringify(peer.subject),
        issuer: cn(peer.issuer as never),
        validTo: peer.valid_to,
      };
      const identity = socket.authorized ? undefined : socket.authorizationError;
      socket.end();
      if (identity) {
        reject(
          new IssuerCheckError(
            `the certificate of ${where} does not validate with ${caName}: ${String(identity)} (subject "${cert.subject}", issued by "${cert.issuer}")`,
          ),
        );
        return;
      }
      resolve(cert);
    });
  });
}

/** What the issuer answered. */
export interface IssuerAnswers {
  readonly certificate: IssuerCertificate;
  readonly jwksUri: string;
  /** Number of keys in the JWKS. */
  readonly keys: number;
}

/**
 * Verifies the issuer's certificate with `caPem` ({@link verifyIssuerCertificate}), then fetches
 * `<issuer>/.well-known/openid-configuration` (its `issuer` must equal `issuerUrl`) and its
 * `jwks_uri` (at least one key), both over TLS trusting only `caPem`.
 * @throws IssuerCheckError naming the URL and what was wrong
 */
export async function checkIssuerAnswers(issuerUrl: string, caPem: string, caName: string, timeoutMs = 10_000): Promise<IssuerAnswers> {
  const certificate = await verifyIssuerCertificate(issuerUrl, caPem, caName, timeoutMs);
  const agent = new Agent({ connect: { ca: caPem } });
  try {
    const getJson = async (url: string): Promise<Record<string, unknown>> => {
      let res;
      try {
        res = await fetch(url, { dispatcher: agent, signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
      } catch (e) {
        throw new IssuerCheckError(`GET ${url} failed: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`);
      }
      if (!res.ok) throw new IssuerCheckError(`GET ${url} answered HTTP ${res.status}`);
      try {
        return (await res.json()) as Record<string, unknown>;
      } catch {
        throw new IssuerCheckError(`GET ${url} did not answer JSON`);
      }
    };
    const discoveryUrl = `${issuerUrl.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const discovery = await getJson(discoveryUrl);
    if (discovery.issuer !== issuerUrl) throw new IssuerCheckError(`${discoveryUrl} names issuer ${JSON.stringify(discovery.issuer)}, expected ${issuerUrl}`);
    if (typeof discovery.jwks_uri !== 'string') throw new IssuerCheckError(`${discoveryUrl} has no jwks_uri`);
    const jwks = await getJson(discovery.jwks_uri);
    const keys = Array.isArray(jwks.keys) ? jwks.keys.length : 0;
    if (!keys) throw new IssuerCheckError(`${discovery.jwks_uri} holds no keys`);
    return { certificate, jwksUri: discovery.jwks_uri, keys };
  } finally {
    await agent.close();
  }
}

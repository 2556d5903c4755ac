/**
 * Everything `require_oauth` needs for one configuration generation: the realm's metadata
 * (OIDC Discovery at `<authorization_url>/.well-known/openid-configuration`), the token
 * verifier over its JWKS and the token exchanger. Loads lazily and retries until ready; a
 * reload builds a new AuthRuntime, so the CA, the secret and the client change together.
 */
import type { Logger } from 'pino';
import type { ServerConfig } from '../config/load.js';
import { TokenExchanger } from '../exchange/exchanger.js';
import { caFetch, type FetchLike } from '../net/ca-fetch.js';
import type { Metrics } from '../obs/metrics.js';
import { TokenVerifier, type IssuerMetadata } from './verifier.js';
import { readFileSync } from 'node:fs';

export interface AuthRuntimeOptions {
  /** Minimum milliseconds between JWKS re-fetches on an unknown kid. @default 30000 */
  readonly jwksCooldownMs?: number;
  /** Milliseconds between background load attempts while not ready. @default 5000 */
  readonly retryMs?: number;
}

export class AuthRuntime {
  readonly issuer: string;
  readonly audience: string;
  readonly scopes: readonly string[];
  readonly fetch: FetchLike;
  metadata?: IssuerMetadata;
  verifier?: TokenVerifier;
  exchanger?: TokenExchanger;
  private loading?: Promise<boolean>;
  private timer?: NodeJS.Timeout;
  private disposed = false;

  constructor(
    private readonly cfg: ServerConfig,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly opts: AuthRuntimeOptions = {},
  ) {
    this.issuer = cfg.authorization_url!;
    this.audience = cfg.oauth_audience!;
    this.scopes = cfg.oauth_scopes;
    const ca = cfg.certificate_authority ? readFileSync(cfg.certificate_authority, 'utf8') : undefined;
    this.fetch = caFetch(ca);
  }

  /** True once metadata and JWKS are loaded. */
  get ready(): boolean {
    return this.verifier?.ready === true && this.exchanger !== undefined;
  }

  /** Start loading in the background; retries every `retryMs` until ready or disposed. */
  start(): void {
    void this.ensureReady().then((ok) => {
      if (!ok && !this.disposed) {
        this.timer = setTimeout(() => this.start(), this.opts.retryMs ?? 5000);
        this.timer.unref();
      }
    });
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Load metadata + JWKS once (single-flight). @returns whether the runtime is ready. Never throws. */
  ensureReady(): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<boolean> {
    try {
      const url = `${this.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
      const res = await this.fetch(url, { headers: { accept: 'application/json' } });
      if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status}`);
      const doc = (await res.json()) as IssuerMetadata;
      if (doc.issuer !== this.issuer) throw new Error(`issuer mismatch: metadata says "${doc.issuer}", authorization_url is "${this.issuer}"`);
      if (typeof doc.jwks_uri !== 'string' || typeof doc.token_endpoint !== 'string') throw new Error('metadata lacks jwks_uri or token_endpoint');
      const verifier = new TokenVerifier({
        metadata: doc,
        audience: this.audience,
        fetch: this.fetch,
        requiredScopes: this.scopes,
        jwksCooldownMs: this.opts.jwksCooldownMs,
        cacheMetrics: { hit: () => this.metrics.verifyCacheHits.inc(), size: (n) => this.metrics.verifyCacheEntries.set(n) },
      });
      await verifier.load();
      this.exchanger = new TokenExchanger(
        {
          metadata: doc,
          clientId: this.cfg.sts_client_id!,
          clientSecret: this.cfg.stsSecret!,
          audience: this.cfg.sts_audience!,
          scopes: this.cfg.sts_scopes,
          cacheMaxAgeSec: this.cfg.sts_cache_max_age,
          fetch: this.fetch,
          log: this.log,
        },
        this.metrics,
      );
      this.metadata = doc;
      this.verifier = verifier;
      this.log.info({ issuer: doc.issuer, jwks_uri: doc.jwks_uri }, 'issuer metadata and JWKS loaded');
      return true;
    } catch (e) {
      this.log.warn({ issuer: this.issuer, err: (e as Error).message }, 'issuer metadata or JWKS not available yet');
      return false;
    }
  }
}

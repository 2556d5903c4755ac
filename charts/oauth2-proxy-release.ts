/**
 * The one pinned oauth2-proxy release (charts/oauth2-proxy-release.json): the Playground
 * sidecar's default image is `<image>:<version>`, and the e2e builds the same `<version>` of
 * `<goModule>` from the Go module proxy (test/e2e/oauth2-proxy/build.sh reads the same file),
 * so the release the tests run is the release dist/ deploys.
 *
 * Why this release: v7.8.1 fails the login callback against this realm (it verifies the access
 * token with the ID-token verifier, so audience `[mcp-server, account]` is refused for client
 * `mcp-client`); v7.15.6, the newest served, logs in and forwards the access token. The sign-out
 * (`--backend-logout-url`), `--trusted-proxy-ip` and the session handling the chart relies on are
 * those of this release.
 */
import { readFileSync } from 'node:fs';

/** Shape of charts/oauth2-proxy-release.json. */
export interface OAuth2ProxyRelease {
  /** Image repository without tag, e.g. `quay.io/oauth2-proxy/oauth2-proxy`. */
  readonly image: string;
  /** Go module of the release, e.g. `github.com/oauth2-proxy/oauth2-proxy/v7`. */
  readonly goModule: string;
  /** Release tag (`vX.Y.Z`): the image tag and the Go module version. */
  readonly version: string;
}

/** @throws Error naming the file and field when the JSON file is malformed */
function load(): OAuth2ProxyRelease {
  const file = new URL('./oauth2-proxy-release.json', import.meta.url);
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const k of ['image', 'goModule', 'version'] as const) {
    if (typeof raw[k] !== 'string' || !raw[k]) throw new Error(`${file.pathname}: "${k}" must be a non-empty string`);
  }
  if (!/^v\d+\.\d+\.\d+$/.test(raw.version as string)) throw new Error(`${file.pathname}: "version" must be a release tag like v7.15.6`);
  return { image: raw.image as string, goModule: raw.goModule as string, version: raw.version as string };
}

/** The pinned release. */
export const OAUTH2_PROXY_RELEASE: OAuth2ProxyRelease = load();

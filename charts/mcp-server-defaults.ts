/**
 * The MCP server's defaults, each one constant used by both the config schema
 * (charts/config-parts.ts `.default(...)`) and the construct's props (charts/mcp-server.ts
 * `props.x ?? DEFAULT`), so the two cannot drift. It imports only the release-image rule
 * (charts/release-image.ts), so both can use it.
 */
import { releaseImage } from './release-image.js';

export const MCP_SERVER_DEFAULTS = {
  /** Deployment, Service, Route and PDB name; the ConfigMap is `<name>-config`. */
  name: 'ocp-mcp-server',
  /** ServiceAccount (bound to nothing). */
  serviceAccountName: 'ocp-mcp',
  /** The released image, tagged with the package's own version (charts/release-image.ts). */
  image: releaseImage('mcp-server'),
  /** With a PodDisruptionBudget. */
  replicas: 2,
  /** Container and Service port (`port` in config.toml). */
  port: 8000,
  /** `bind_address` in the pod: all interfaces, so the Service reaches it (the server alone defaults to loopback). */
  podBindAddress: '0.0.0.0',
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
  /** `oauth_scopes`. */
  oauthScopes: ['openid', 'mcp-server'],
  /** `sts_scopes`. */
  stsScopes: ['mcp:openshift'],
} as const;

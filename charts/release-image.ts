/**
 * Where the release workflow (.github/workflows/release.yml) pushes the project's images, and so
 * the default image of every component we build: `quay.io/kube-mcp-stack/<name>:<version>`, the
 * tag being this package's own version (package.json `version`, read by mcp-server/src/version.ts).
 */
import { SERVER_VERSION } from '../mcp-server/src/version.js';

/** Registry and organisation of the released images. */
/** The package's own version (root package.json `version`): the released images' tag and every CLI's `--version`. */
export const PACKAGE_VERSION: string = SERVER_VERSION;

export const RELEASE_REGISTRY = 'quay.io/kube-mcp-stack';

/** `{ repository: 'quay.io/kube-mcp-stack/<name>', tag: '<package version>' }`, e.g. for `mcp-server`. */
export function releaseImage(name: string): { repository: string; tag: string } {
  return { repository: `${RELEASE_REGISTRY}/${name}`, tag: SERVER_VERSION };
}

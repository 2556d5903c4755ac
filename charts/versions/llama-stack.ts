/**
 * The Llama Stack releases the charts support: the one home of the version → run-config layout
 * table; each release's client contract (API base path, MCP tool token) comes from the
 * Playground's own table (below).
 *
 * A release is listed only once the e2e suite (test/e2e/llama-stack.e2e.test.ts) has started
 * that release of the real `llama stack run` (installed from PyPI by
 * test/e2e/llama-stack/install.sh, which installs one venv per folder
 * test/e2e/llama-stack/<version>/) from the synthesized ConfigMap and carried a user's token to
 * the MCP server through it. Any other version is refused at synth.
 *
 * The client contract of each release (the OpenAI-compatible API's base path and where the
 * Responses API MCP tool takes the user's token, with their sources) has its home in
 * playground/src/llama-stack-releases.ts — the Playground's command line checks its flags
 * against it and the Playground may import nothing outside its app; the set of supported
 * versions is that table's keys (a version missing here or there fails to compile).
 */

import { LLAMA_STACK_CLIENT_CONTRACTS, type LlamaStackClientContract, type SupportedLlamaStackVersion } from '../../playground/src/llama-stack-releases.js';

export type { McpToolTokenField, SupportedLlamaStackVersion } from '../../playground/src/llama-stack-releases.js';

/** Run-config layout generations. */
export type RunConfigLayout = 'v0.2' | 'v0.7';

/** What one supported release decides (its client contract from playground/src/llama-stack-releases.ts, and its layout). */
export interface LlamaStackReleaseFacts extends LlamaStackClientContract {
  /** Run-config layout (charts/llama-stack-run-config.ts). */
  readonly layout: RunConfigLayout;
  /** ConfigMap key the paired operator's server start reads. */
  readonly configKey: 'run.yaml' | 'config.yaml';
  /** What sets this release's layout apart, for readers (the Python extras are in test/e2e/llama-stack/<version>/requirements.txt). */
  readonly note: string;
}

/**
 * First llama-stack-k8s-operator release assumed to start the server from
 * `/etc/llama-stack/config.yaml` (operator constant `LlamaStackConfigYAMLKey`, "llama-stack
 * v0.4.0+"); releases before it read `run.yaml`.
 */
export const OPERATOR_CONFIG_YAML_SINCE = '0.5.0';

/**
 * The supported releases, keyed by exact Llama Stack version: exactly the versions of
 * playground/src/llama-stack-releases.ts (a missing or extra one fails to compile).
 */
export const LLAMA_STACK_RELEASES: Readonly<Record<string, LlamaStackReleaseFacts>> = {
  '0.2.22': {
    layout: 'v0.2',
    configKey: 'run.yaml',
    ...LLAMA_STACK_CLIENT_CONTRACTS['0.2.22'],
    note: 'OpenShift AI 2.25; needs files and safety providers; mcp<2',
  },
  '0.7.3': {
    layout: 'v0.7',
    configKey: 'config.yaml',
    ...LLAMA_STACK_CLIENT_CONTRACTS['0.7.3'],
    note: 'connectors instead of registered_resources.tool_groups; responses (inline::builtin) instead of agents; tiktoken cl100k_base must be cached',
  },
} satisfies Record<SupportedLlamaStackVersion, LlamaStackReleaseFacts>;

/** The default release (OpenShift AI 2.25). */
export const DEFAULT_LLAMA_STACK_VERSION: SupportedLlamaStackVersion = '0.2.22';
/** The operator release paired with the default. */
export const DEFAULT_OPERATOR_VERSION = '0.3.0';

/** The supported versions, oldest first. */
export const SUPPORTED_LLAMA_STACK_VERSIONS: readonly string[] = Object.keys(LLAMA_STACK_RELEASES);

/**
 * The facts of a supported release.
 * @throws Error naming `llamaStack.version`, the supported releases and the fix for any other version
 */
export function llamaStackReleaseFacts(version: string): LlamaStackReleaseFacts {
  const facts = Object.hasOwn(LLAMA_STACK_RELEASES, version) ? LLAMA_STACK_RELEASES[version] : undefined;
  if (!facts) {
    throw new Error(
      `llamaStack.version: "${version}" is not a supported Llama Stack release; use one of ${SUPPORTED_LLAMA_STACK_VERSIONS.join(', ')} ` +
        `(the releases whose run config the e2e suite has started; default ${DEFAULT_LLAMA_STACK_VERSION})`,
    );
  }
  return facts;
}

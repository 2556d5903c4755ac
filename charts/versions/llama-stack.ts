/**
 * The Llama Stack releases the charts support: the one home of the version → run-config layout
 * table and of each release's token contract for a client (the Playground).
 *
 * A release is listed only once the e2e suite (test/e2e/llama-stack.e2e.test.ts) has started
 * that release of the real `llama stack run` (installed from PyPI by
 * test/e2e/llama-stack/install.sh, which installs one venv per folder
 * test/e2e/llama-stack/<version>/) from the synthesized ConfigMap and carried a user's token to
 * the MCP server through it. Any other version is refused at synth.
 *
 * Facts (file:line in the installed wheels; docs/components.md cites them in full):
 * - 0.2.22: OpenAI-compatible routes under `/v1/openai/v1` (llama_stack/apis/agents/agents.py,
 *   `@webmethod(route="/openai/v1/responses")`); the Responses MCP tool's `headers` are passed
 *   as-is to the MCP client (llama_stack/providers/inline/agents/meta_reference/responses/
 *   streaming.py:541-544 list_mcp_tools, tool_executor.py:222-227 invoke_mcp_tool).
 * - 0.7.3: OpenAI-compatible routes under `/v1` (llama_stack_api/version.py:7); an
 *   `Authorization` key in the MCP tool's `headers` is refused (llama_stack/providers/inline/
 *   responses/builtin/responses/openai_responses.py:653-665) and the token goes in the tool's
 *   `authorization` field, sent as `Bearer <token>` (llama_stack/providers/utils/tools/mcp.py:37-65).
 */

/** Run-config layout generations. */
export type RunConfigLayout = 'v0.2' | 'v0.7';

/** How a client hands the user's token to the Responses API MCP tool. */
export type McpToolTokenField = 'headers' | 'authorization';

/** What one supported release decides. */
export interface LlamaStackReleaseFacts {
  /** Run-config layout (charts/llama-stack-run-config.ts). */
  readonly layout: RunConfigLayout;
  /** ConfigMap key the paired operator's server start reads. */
  readonly configKey: 'run.yaml' | 'config.yaml';
  /** Base path of the OpenAI-compatible API (`<service URL><base>/responses`, `<base>/models`). */
  readonly openaiBasePath: '/v1/openai/v1' | '/v1';
  /**
   * Where the user's token goes in a Responses API tool `{type: 'mcp', server_label, server_url}`:
   * `headers` → `headers: {Authorization: 'Bearer <token>'}`; `authorization` → `authorization: '<token>'`
   * (no `Bearer ` prefix).
   */
  readonly mcpToolToken: McpToolTokenField;
  /** What sets this release's layout apart, for readers (the Python extras are in test/e2e/llama-stack/<version>/requirements.txt). */
  readonly note: string;
}

/**
 * First llama-stack-k8s-operator release assumed to start the server from
 * `/etc/llama-stack/config.yaml` (operator constant `LlamaStackConfigYAMLKey`, "llama-stack
 * v0.4.0+"); releases before it read `run.yaml`.
 */
export const OPERATOR_CONFIG_YAML_SINCE = '0.5.0';

/** The supported releases, keyed by exact Llama Stack version. */
export const LLAMA_STACK_RELEASES: Readonly<Record<string, LlamaStackReleaseFacts>> = {
  '0.2.22': {
    layout: 'v0.2',
    configKey: 'run.yaml',
    openaiBasePath: '/v1/openai/v1',
    mcpToolToken: 'headers',
    note: 'OpenShift AI 2.25; needs files and safety providers; mcp<2',
  },
  '0.7.3': {
    layout: 'v0.7',
    configKey: 'config.yaml',
    openaiBasePath: '/v1',
    mcpToolToken: 'authorization',
    note: 'connectors instead of registered_resources.tool_groups; responses (inline::builtin) instead of agents; tiktoken cl100k_base must be cached',
  },
};

/** The default release (OpenShift AI 2.25). */
export const DEFAULT_LLAMA_STACK_VERSION = '0.2.22';
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

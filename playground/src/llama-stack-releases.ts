/**
 * The supported Llama Stack releases' client contract: for each release, the base path of its
 * OpenAI-compatible API and where its Responses API MCP tool takes the user's token. The one
 * home of these two facts: the Playground's command line refuses a pairing no release has
 * (playground/src/cli.ts), and the charts' release table (charts/versions/llama-stack.ts, which
 * adds the run-config layout of each release) reads them from here — the Playground is an app of
 * its own and imports nothing outside `playground/src/`, so the fact lives on its side.
 *
 * A release is listed only once the e2e suite (test/e2e/llama-stack.e2e.test.ts) has started
 * it (charts/versions/llama-stack.ts says how). Facts (file:line in the installed wheels;
 * docs/components.md cites them in full):
 * - 0.2.22: OpenAI-compatible routes under `/v1/openai/v1` (llama_stack/apis/agents/agents.py,
 *   `@webmethod(route="/openai/v1/responses")`); the Responses MCP tool's `headers` are passed
 *   as-is to the MCP client (llama_stack/providers/inline/agents/meta_reference/responses/
 *   streaming.py:541-544 list_mcp_tools, tool_executor.py:222-227 invoke_mcp_tool).
 * - 0.7.3: OpenAI-compatible routes under `/v1` (llama_stack_api/version.py:7); an
 *   `Authorization` key in the MCP tool's `headers` is refused (llama_stack/providers/inline/
 *   responses/builtin/responses/openai_responses.py:653-665) and the token goes in the tool's
 *   `authorization` field, sent as `Bearer <token>` (llama_stack/providers/utils/tools/mcp.py:37-65).
 *
 * This file imports nothing (a leaf that charts/ may read; test/architecture/layers.test.ts).
 */

/** How a client hands the user's token to the Responses API MCP tool. */
export type McpToolTokenField = 'headers' | 'authorization';

/** How a client calls one release. */
export interface LlamaStackClientContract {
  /** Base path of the OpenAI-compatible API (`<service URL><base>/responses`, `<base>/models`); the Playground's `--api-base-path`. */
  readonly openaiBasePath: '/v1/openai/v1' | '/v1';
  /**
   * Where the user's token goes in a Responses API tool `{type: 'mcp', server_label, server_url}`
   * (the Playground's `--mcp-auth`): `headers` → `headers: {Authorization: 'Bearer <token>'}`;
   * `authorization` → `authorization: '<token>'` (no `Bearer ` prefix).
   */
  readonly mcpToolToken: McpToolTokenField;
}

/** The supported releases' client contracts, keyed by exact Llama Stack version, oldest first. */
export const LLAMA_STACK_CLIENT_CONTRACTS = {
  '0.2.22': { openaiBasePath: '/v1/openai/v1', mcpToolToken: 'headers' },
  '0.7.3': { openaiBasePath: '/v1', mcpToolToken: 'authorization' },
} as const satisfies Record<string, LlamaStackClientContract>;

/** A supported Llama Stack version (a key of {@link LLAMA_STACK_CLIENT_CONTRACTS}). */
export type SupportedLlamaStackVersion = keyof typeof LLAMA_STACK_CLIENT_CONTRACTS;

/**
 * The supported releases whose contract is exactly this pairing.
 * @param openaiBasePath an API base path without trailing slash (`/v1/openai/v1`)
 * @param mcpToolToken `headers` or `authorization`
 * @returns the matching versions, oldest first; empty when no supported release has the pair
 */
export function releasesWithContract(openaiBasePath: string, mcpToolToken: string): SupportedLlamaStackVersion[] {
  return (Object.entries(LLAMA_STACK_CLIENT_CONTRACTS) as [SupportedLlamaStackVersion, LlamaStackClientContract][])
    .filter(([, c]) => c.openaiBasePath === openaiBasePath && c.mcpToolToken === mcpToolToken)
    .map(([v]) => v);
}

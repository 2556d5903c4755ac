/**
 * The Llama Stack run configuration (`run.yaml` / `config.yaml`), built from typed providers,
 * models and tool groups and serialized with the `yaml` library. The version → layout table is
 * charts/versions/llama-stack.ts; each layout here is started by the real release in the e2e
 * suite (test/e2e/llama-stack.e2e.test.ts).
 *
 * Layouts:
 * - `v0.2` (Llama Stack 0.2.22, OpenShift AI 2.25): top-level `image_name`, `metadata_store`,
 *   `models`, `tool_groups`; per-provider `kvstore: {type: sqlite, db_path}`; remote vLLM `url`
 *   and `tls_verify`. `files` (inline::localfs) and `safety` (inline::llama-guard) providers are
 *   required: rag-runtime depends on `files` and the meta-reference agents on `safety`
 *   (llama_stack/providers/registry/tool_runtime.py and agents.py `api_dependencies`); without
 *   them `llama stack run` stops with "required dependency 'files' is not available".
 * - `v0.7` (Llama Stack 0.7.3): `distro_name`; `storage.backends` + `storage.stores` (with
 *   `prompts` and `connectors` stores), providers reference a backend; resources under
 *   `registered_resources`; MCP servers as top-level `connectors` (0.7 drops
 *   `registered_resources.tool_groups` with only a DeprecationWarning); `responses`
 *   (inline::builtin) instead of `agents`, eval `inline::builtin`, tool runtime `inline::file-search`
 *   instead of rag-runtime; vLLM `base_url` and `network.tls.verify`.
 * All layouts use `version: 2` and `server.auth.provider_config` of `type: oauth2_token` with
 * `issuer`, `audience` and `jwks.uri` (llama_stack core datatypes `OAuth2TokenAuthConfig`).
 * `server.port` is written for readers but ignored by both releases: `--port` / `LLAMA_STACK_PORT`
 * decide (the operator passes the LlamaStackDistribution's `containerSpec.port`).
 *
 * Secrets never appear here: an API token is written as `${env.NAME}`, and the
 * LlamaStackDistribution sets `NAME` from a Secret key reference.
 */
import { stringify } from 'yaml';

import type { RunConfigLayout } from './versions/llama-stack.js';

export type { RunConfigLayout } from './versions/llama-stack.js';

/** A remote vLLM (OpenAI-compatible) inference provider serving one model. */
export interface RemoteVllmProvider {
  /** `provider_id`, e.g. `llama-3b`. */
  readonly providerId: string;
  /** Endpoint URL ending in `/v1`. */
  readonly url: string;
  /** Model id registered for this provider. */
  readonly modelId: string;
  /** Name of the environment variable that carries the API token (set from a Secret). @default none: no api_token key */
  readonly apiTokenEnv?: string;
  /** `max_tokens`. @default 128000 */
  readonly maxTokens?: number;
  /** `tls_verify`. @default true */
  readonly tlsVerify?: boolean;
}

/** An MCP tool group (`provider_id: model-context-protocol`). */
export interface McpToolGroup {
  /** `toolgroup_id`, e.g. `mcp::openshift`. */
  readonly toolgroupId: string;
  /** `mcp_endpoint.uri`: the in-cluster URL of the MCP endpoint (`…/sse` or `…/mcp`). */
  readonly endpoint: string;
}

/** `server.auth` as an OAuth2 resource server. */
export interface RunConfigAuth {
  /** Realm issuer URL, exactly as in `iss`. */
  readonly issuer: string;
  /** Realm JWKS URL. */
  readonly jwksUri: string;
  /** Audience a token must carry. */
  readonly audience: string;
  /** Token claim → access attribute (`claims_mapping`). @default sub/preferred_username → roles, groups → teams, email → email */
  readonly claimsMapping?: Readonly<Record<string, string>>;
  /** CA file trusted for the issuer (`tls_cafile`). @default system trust */
  readonly tlsCaFile?: string;
  /** JWKS refresh period in seconds. @default 3600 */
  readonly keyRecheckPeriodSeconds?: number;
}

/** Input of {@link buildRunConfig}. */
export interface RunConfigInput {
  readonly layout: RunConfigLayout;
  /** `image_name` / `distro_name`. */
  readonly distroName: string;
  /** `server.port`. */
  readonly port: number;
  readonly auth: RunConfigAuth;
  readonly inference: readonly RemoteVllmProvider[];
  readonly mcpToolGroups: readonly McpToolGroup[];
  /** Directory of the SQLite stores inside the pod. @default "/opt/app-root/src/.llama/distributions/rh" */
  readonly storageDir?: string;
  /** Inline sentence-transformers embedding model. @default all-MiniLM-L6-v2, dimension 384 */
  readonly embeddingModel?: { readonly modelId: string; readonly dimension: number };
}

const DEFAULT_CLAIMS = { sub: 'roles', preferred_username: 'roles', groups: 'teams', email: 'email' };
/** `apis` per layout (sorted). */
const APIS: Record<RunConfigLayout, readonly string[]> = {
  'v0.2': ['agents', 'datasetio', 'eval', 'files', 'inference', 'safety', 'scoring', 'tool_runtime', 'vector_io'],
  'v0.7': ['datasetio', 'eval', 'files', 'inference', 'responses', 'safety', 'scoring', 'tool_runtime', 'vector_io'],
};

type Json = Record<string, unknown>;

/** The resource kinds both layouts register none of (after `models`, in this order), each `[]`. */
function noRegisteredResources(): Record<'shields' | 'vector_dbs' | 'datasets' | 'scoring_fns' | 'benchmarks', Json[]> {
  return { shields: [], vector_dbs: [], datasets: [], scoring_fns: [], benchmarks: [] };
}

function auth(a: RunConfigAuth): Json {
  return {
    provider_config: {
      type: 'oauth2_token',
      issuer: a.issuer,
      audience: a.audience,
      verify_tls: true,
      ...(a.tlsCaFile ? { tls_cafile: a.tlsCaFile } : {}),
      claims_mapping: { ...(a.claimsMapping ?? DEFAULT_CLAIMS) },
      jwks: { uri: a.jwksUri, key_recheck_period: a.keyRecheckPeriodSeconds ?? 3600 },
    },
  };
}

function vllm(p: RemoteVllmProvider, layout: RunConfigLayout): Json {
  const legacy = layout === 'v0.2';
  return {
    provider_id: p.providerId,
    provider_type: 'remote::vllm',
    config: {
      [legacy ? 'url' : 'base_url']: p.url,
      max_tokens: p.maxTokens ?? 128000,
      // Without a token the key is left out (the provider's own default applies).
      ...(p.apiTokenEnv ? { api_token: `\${env.${p.apiTokenEnv}}` } : {}),
      // 0.7 deprecates `tls_verify` (VLLMInferenceAdapterConfig) for `network.tls.verify`.
      ...(legacy ? { tls_verify: p.tlsVerify ?? true } : { network: { tls: { verify: p.tlsVerify ?? true } } }),
    },
  };
}

/**
 * Checks the input: unique provider ids, env var names, tool group ids and endpoint URLs.
 * @throws Error naming the offending field
 */
function check(input: RunConfigInput): void {
  const ids = new Set<string>();
  const envs = new Set<string>();
  input.inference.forEach((p, i) => {
    if (ids.has(p.providerId)) throw new Error(`llamaStack.inference[${i}].providerId: "${p.providerId}" is used twice`);
    ids.add(p.providerId);
    if (p.apiTokenEnv !== undefined && !/^[A-Z_][A-Z0-9_]*$/.test(p.apiTokenEnv)) {
      throw new Error(`llamaStack.inference[${i}].apiTokenEnv: "${p.apiTokenEnv}" is not an environment variable name`);
    }
    if (p.apiTokenEnv !== undefined && envs.has(p.apiTokenEnv)) {
      throw new Error(
        `llamaStack.inference[${i}].providerId: "${p.providerId}" maps to token variable ${p.apiTokenEnv} already used by another provider; rename it`,
      );
    }
    if (p.apiTokenEnv !== undefined) envs.add(p.apiTokenEnv);
  });
  const groups = new Set<string>();
  input.mcpToolGroups.forEach((g, i) => {
    if (groups.has(g.toolgroupId)) throw new Error(`llamaStack.mcpToolGroups[${i}].toolgroupId: "${g.toolgroupId}" is used twice`);
    groups.add(g.toolgroupId);
    const path = new URL(g.endpoint).pathname;
    if (!path.endsWith('/sse') && !path.endsWith('/mcp')) {
      throw new Error(`llamaStack.mcpToolGroups[${i}].endpoint: "${g.endpoint}" must end in /sse (legacy SSE) or /mcp (Streamable HTTP)`);
    }
  });
}

/**
 * Builds the run configuration object for a layout.
 * @throws Error naming the field when provider ids or tool group ids repeat, or an MCP endpoint is not /sse or /mcp
 */
export function buildRunConfig(input: RunConfigInput): Json {
  check(input);
  const dir = input.storageDir ?? '/opt/app-root/src/.llama/distributions/rh';
  const emb = input.embeddingModel ?? { modelId: 'all-MiniLM-L6-v2', dimension: 384 };
  const legacy = input.layout === 'v0.2';
  const sqlite = (file: string): Json => ({ type: 'sqlite', db_path: `${dir}/${file}` });
  const kv = (ns: string, file: string): Json => (legacy ? sqlite(file) : { namespace: ns, backend: 'kv_default' });

  const providers: Json = {
    inference: [
      ...input.inference.map((p) => vllm(p, input.layout)),
      { provider_id: 'sentence-transformers', provider_type: 'inline::sentence-transformers', config: {} },
    ],
    vector_io: [
      {
        provider_id: 'milvus',
        provider_type: 'inline::milvus',
        config: legacy
          ? { db_path: `${dir}/milvus.db`, kvstore: sqlite('milvus_registry.db') }
          : { db_path: `${dir}/milvus.db`, persistence: { namespace: 'vector_io::milvus', backend: 'kv_default' } },
      },
    ],
    // Required by rag-runtime (0.2) and by the responses provider (0.7).
    files: [
      {
        provider_id: 'meta-reference-files',
        provider_type: 'inline::localfs',
        config: {
          storage_dir: `${dir}/files`,
          metadata_store: legacy ? sqlite('files_metadata.db') : { table_name: 'files_metadata', backend: 'sql_default' },
        },
      },
    ],
    // Required by the 0.2 meta-reference agents; no shield is registered, so nothing is moderated.
    safety: [{ provider_id: 'llama-guard', provider_type: 'inline::llama-guard', config: { excluded_categories: [] } }],
    ...(legacy
      ? {
          agents: [
            {
              provider_id: 'meta-reference',
              provider_type: 'inline::meta-reference',
              config: { persistence_store: sqlite('agents_store.db'), responses_store: sqlite('responses_store.db') },
            },
          ],
        }
      : {
          responses: [
            {
              provider_id: 'builtin',
              provider_type: 'inline::builtin',
              config: {
                persistence: {
                  agent_state: { namespace: 'agents', backend: 'kv_default' },
                  responses: { table_name: 'responses', backend: 'sql_default' },
                },
              },
            },
          ],
        }),
    eval: [
      legacy
        ? { provider_id: 'meta-reference', provider_type: 'inline::meta-reference', config: { kvstore: kv('eval', 'meta_reference_eval.db') } }
        : { provider_id: 'builtin', provider_type: 'inline::builtin', config: { kvstore: kv('eval', 'eval.db') } },
    ],
    datasetio: [
      { provider_id: 'huggingface', provider_type: 'remote::huggingface', config: { kvstore: kv('datasetio::huggingface', 'huggingface_datasetio.db') } },
      { provider_id: 'localfs', provider_type: 'inline::localfs', config: { kvstore: kv('datasetio::localfs', 'localfs_datasetio.db') } },
    ],
    scoring: [
      { provider_id: 'basic', provider_type: 'inline::basic', config: {} },
      { provider_id: 'llm-as-judge', provider_type: 'inline::llm-as-judge', config: {} },
    ],
    tool_runtime: [
      legacy
        ? { provider_id: 'rag-runtime', provider_type: 'inline::rag-runtime', config: {} }
        : { provider_id: 'file-search', provider_type: 'inline::file-search', config: {} },
      { provider_id: 'model-context-protocol', provider_type: 'remote::model-context-protocol', config: {} },
    ],
  };

  const models = [
    ...input.inference.map((p) => ({ metadata: {}, model_id: p.modelId, provider_id: p.providerId, model_type: 'llm' })),
    { metadata: { embedding_dimension: emb.dimension }, model_id: emb.modelId, provider_id: 'sentence-transformers', model_type: 'embedding' },
  ];
  const server = { port: input.port, auth: auth(input.auth) };

  if (legacy) {
    return {
      version: 2,
      image_name: input.distroName,
      apis: APIS[input.layout],
      providers,
      metadata_store: sqlite('registry.db'),
      models,
      ...noRegisteredResources(),
      tool_groups: [
        { toolgroup_id: 'builtin::rag', provider_id: 'rag-runtime' },
        ...input.mcpToolGroups.map((g) => ({ toolgroup_id: g.toolgroupId, provider_id: 'model-context-protocol', mcp_endpoint: { uri: g.endpoint } })),
      ],
      server,
    };
  }
  return {
    version: 2,
    distro_name: input.distroName,
    apis: APIS[input.layout],
    providers,
    storage: {
      backends: {
        kv_default: { type: 'kv_sqlite', db_path: `${dir}/kvstore.db` },
        sql_default: { type: 'sql_sqlite', db_path: `${dir}/sql_store.db` },
      },
      stores: {
        metadata: { namespace: 'registry', backend: 'kv_default' },
        inference: { table_name: 'inference_store', backend: 'sql_default' },
        conversations: { table_name: 'openai_conversations', backend: 'sql_default' },
        prompts: { namespace: 'prompts', backend: 'kv_default' },
        connectors: { namespace: 'connectors', backend: 'kv_default' },
      },
    },
    registered_resources: {
      models,
      ...noRegisteredResources(),
    },
    // The MCP tool group as a connector (llama_stack_api/connectors/models.py ConnectorInput).
    connectors: input.mcpToolGroups.map((g) => ({
      connector_type: 'mcp',
      connector_id: g.toolgroupId,
      url: g.endpoint,
      server_label: g.toolgroupId.replace(/^mcp::/, ''),
    })),
    server,
  };
}

/** Serializes {@link buildRunConfig} as YAML text (no anchors/aliases, stable key order). */
export function runConfigYaml(input: RunConfigInput): string {
  return stringify(buildRunConfig(input), { aliasDuplicateObjects: false, lineWidth: 0 });
}

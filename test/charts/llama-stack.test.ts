import { ConfigMap, Secret } from 'cdk8s-plus-28';
import { parse } from 'yaml';
import { LlamaStack, LlamaStackProps, resolveLlamaStackRelease } from '../../charts/llama-stack.js';
import { buildRunConfig, RunConfigInput } from '../../charts/llama-stack-run-config.js';
import { validateCustomResource } from '../support/crds.js';
import { KubeObject, synthConstruct } from '../support/synth.js';

const ISSUER = 'https://keycloak-admin.apps.example.com/realms/openshift';
const JWKS = `${ISSUER}/protocol/openid-connect/certs`;
const SSE = 'http://ocp-mcp-server.llama-stack.svc:8000/sse';

function build(over: Partial<LlamaStackProps> = {}): KubeObject[] {
  return synthConstruct((c) => {
    new LlamaStack(c, 'ls', {
      namespace: 'llama-stack',
      issuerUrl: ISSUER,
      jwksUri: JWKS,
      authAudience: 'mcp-server',
      mcpEndpoint: SSE,
      issuerCa: ConfigMap.fromConfigMapName(c, 'ca', 'keycloak-oidc-ca'),
      issuerCaKey: 'ca-bundle.crt',
      inference: [
        {
          providerId: 'llama-3b',
          url: 'https://llama.example.com/v1',
          modelId: 'llama-3-2-3b',
          apiToken: { secret: Secret.fromSecretName(c, 't', 'llama-stack-secret'), key: 'llama-token' },
        },
        { providerId: 'local', url: 'http://vllm.models.svc:8000/v1', modelId: 'granite' },
      ],
      ...over,
    });
  });
}
const one = (objs: KubeObject[], kind: string) => objs.find((o) => o.kind === kind)!;

describe('Llama Stack / operator pairings', () => {
  test.each([
    ['0.2.22', '0.3.0', 'v0.2', 'run.yaml'],
    ['0.2.22', '0.4.1', 'v0.2', 'run.yaml'],
    ['0.7.3', '0.5.0', 'v0.7', 'config.yaml'],
    ['0.7.3', '0.9.0', 'v0.7', 'config.yaml'],
  ])('Llama Stack %s with operator %s → layout %s, key %s', (version, operator, layout, key) => {
    expect(resolveLlamaStackRelease(version, operator)).toEqual({ layout, configKey: key });
  });

  test.each([
    ['0.7.3', '0.3.0', /llamaStack.operatorVersion: operator 0.3.0 starts the server from run.yaml/],
    ['0.2.22', '0.9.0', /llamaStack.operatorVersion: operator 0.9.0 starts the server from config.yaml/],
    ['0.1.9', '0.3.0', /llamaStack.version: "0.1.9" is not a supported Llama Stack release; use one of 0.2.22, 0.7.3/],
    // Releases the e2e suite has not started are refused, even between supported ones.
    ['0.2.23', '0.3.0', /llamaStack.version: "0.2.23" is not a supported Llama Stack release; use one of 0.2.22, 0.7.3/],
    ['0.4.2', '0.9.0', /llamaStack.version: "0.4.2" is not a supported/],
    ['0.7.4', '0.9.0', /llamaStack.version: "0.7.4" is not a supported/],
    ['latest', '0.3.0', /llamaStack.version: "latest" is not a version/],
  ])('rejects Llama Stack %s with operator %s', (version, operator, message) => {
    expect(() => resolveLlamaStackRelease(version, operator)).toThrow(message);
  });
});

describe('Llama Stack on the OpenShift AI 2.25 pairing (0.2.22)', () => {
  const objs = build();
  const cm = one(objs, 'ConfigMap');
  const runYaml = parse(cm.data['run.yaml']);

  test('the ConfigMap carries run.yaml and it parses back with the yaml library', () => {
    expect(Object.keys(cm.data)).toEqual(['run.yaml']);
    expect(runYaml).toMatchObject({ version: 2, image_name: 'rh-dev', server: { port: 8321 } });
  });

  test('server.auth validates realm tokens: oauth2_token with the issuer, JWKS and audience', () => {
    expect(runYaml.server.auth.provider_config).toMatchObject({
      type: 'oauth2_token',
      issuer: ISSUER,
      audience: 'mcp-server',
      verify_tls: true,
      jwks: { uri: JWKS },
    });
  });

  test('the MCP tool group points at the MCP server Service URL', () => {
    expect(runYaml.tool_groups).toContainEqual({ toolgroup_id: 'mcp::openshift', provider_id: 'model-context-protocol', mcp_endpoint: { uri: SSE } });
  });

  test('the 0.2 layout uses top-level models, metadata_store and vLLM `url`', () => {
    expect(runYaml.models.map((m: any) => m.model_id)).toEqual(['llama-3-2-3b', 'granite', 'all-MiniLM-L6-v2']);
    expect(runYaml.metadata_store.type).toBe('sqlite');
    expect(runYaml.providers.inference[0].config).toEqual({
      url: 'https://llama.example.com/v1',
      max_tokens: 128000,
      api_token: '${env.LLAMA_3B_API_TOKEN}',
      tls_verify: true,
    });
    expect(runYaml).not.toHaveProperty('storage');
  });

  test('0.2.22 gets the files and safety providers its rag-runtime and meta-reference agents depend on', () => {
    expect(runYaml.apis).toEqual(expect.arrayContaining(['agents', 'files', 'safety', 'tool_runtime']));
    expect(runYaml.providers.files).toEqual([
      expect.objectContaining({
        provider_type: 'inline::localfs',
        config: expect.objectContaining({ metadata_store: expect.objectContaining({ type: 'sqlite' }) }),
      }),
    ]);
    expect(runYaml.providers.safety).toEqual([expect.objectContaining({ provider_type: 'inline::llama-guard' })]);
  });

  test('API tokens come from the Secret through env valueFrom, never as literals', () => {
    const lsd = one(objs, 'LlamaStackDistribution');
    expect(lsd.spec.server.containerSpec.env).toEqual([
      { name: 'LLAMA_3B_API_TOKEN', valueFrom: { secretKeyRef: { name: 'llama-stack-secret', key: 'llama-token' } } },
      { name: 'LLAMA_STACK_PORT', value: '8321' },
    ]);
    expect(runYaml.providers.inference[1].config).not.toHaveProperty('api_token');
  });

  test('the distribution reads the ConfigMap and validates against its CRD', () => {
    const lsd = one(objs, 'LlamaStackDistribution');
    expect(lsd.spec.server.userConfig).toEqual({ configMapName: 'llama-stack-config' });
    expect(validateCustomResource(lsd, { openshiftVersion: '4.19' }).errors).toEqual([]);
  });

  test('the issuer CA is trusted for the JWKS only: mounted via podOverrides and named in tls_cafile', () => {
    const server = one(objs, 'LlamaStackDistribution').spec.server;
    expect(server).not.toHaveProperty('tlsConfig');
    expect(server.podOverrides).toEqual({
      volumes: [{ name: 'issuer-ca', configMap: { name: 'keycloak-oidc-ca', items: [{ key: 'ca-bundle.crt', path: 'ca-bundle.crt' }] } }],
      volumeMounts: [{ name: 'issuer-ca', mountPath: '/etc/pki/issuer-ca', readOnly: true }],
    });
    expect(runYaml.server.auth.provider_config.tls_cafile).toBe('/etc/pki/issuer-ca/ca-bundle.crt');
  });

  test('admits the other namespaces it is given through spec.network.allowedFrom (the operator NetworkPolicy), its own left out', () => {
    expect(one(objs, 'LlamaStackDistribution').spec).not.toHaveProperty('network');
    const lsd = one(build({ allowedNamespaces: ['llama-stack-playground', 'llama-stack'] }), 'LlamaStackDistribution');
    expect(lsd.spec.network).toEqual({ allowedFrom: { namespaces: ['llama-stack-playground'] } });
    expect(validateCustomResource(lsd, { openshiftVersion: '4.19' }).errors).toEqual([]);
  });

  test('creates its namespace', () => {
    expect(one(objs, 'Namespace').metadata.name).toBe('llama-stack');
  });
});

describe('Llama Stack on the current pairing (0.7.3)', () => {
  const objs = build({ version: '0.7.3', operatorVersion: '0.9.0', mcpEndpoint: 'http://ocp-mcp-server.llama-stack.svc:8000/mcp' });
  const cm = one(objs, 'ConfigMap');

  test('writes config.yaml in the storage/registered_resources layout with distro_name', () => {
    expect(Object.keys(cm.data)).toEqual(['config.yaml']);
    const cfg = parse(cm.data['config.yaml']);
    expect(cfg).toMatchObject({
      version: 2,
      distro_name: 'rh-dev',
      storage: { backends: { kv_default: { type: 'kv_sqlite' }, sql_default: { type: 'sql_sqlite' } } },
    });
    expect(cfg).not.toHaveProperty('image_name');
    expect(cfg).not.toHaveProperty('models');
    // 0.7 empties registered_resources.tool_groups (DeprecationWarning only): MCP servers are connectors.
    expect(cfg.registered_resources).not.toHaveProperty('tool_groups');
    expect(cfg.connectors).toEqual([
      { connector_type: 'mcp', connector_id: 'mcp::openshift', url: 'http://ocp-mcp-server.llama-stack.svc:8000/mcp', server_label: 'openshift' },
    ]);
    expect(cfg.providers.inference[0].config).toEqual({
      base_url: 'https://llama.example.com/v1',
      max_tokens: 128000,
      api_token: '${env.LLAMA_3B_API_TOKEN}',
      network: { tls: { verify: true } },
    });
    // `agents` does not exist in 0.7 (ValueError: API 'agents' does not exist): responses/inline::builtin.
    expect(cfg.apis).not.toContain('agents');
    expect(cfg.apis).toEqual(expect.arrayContaining(['responses', 'files', 'tool_runtime', 'inference']));
    expect(cfg.providers.responses).toEqual([expect.objectContaining({ provider_type: 'inline::builtin' })]);
    expect(cfg.providers.files).toEqual([expect.objectContaining({ provider_type: 'inline::localfs' })]);
    expect(cfg.storage.stores).toHaveProperty('connectors');
    expect(cfg.server.auth.provider_config.jwks.uri).toBe(JWKS);
  });
});

describe('run config checks', () => {
  const base: RunConfigInput = {
    layout: 'v0.7',
    distroName: 'rh-dev',
    port: 8321,
    auth: { issuer: ISSUER, jwksUri: JWKS, audience: 'mcp-server' },
    inference: [],
    mcpToolGroups: [{ toolgroupId: 'mcp::openshift', endpoint: SSE }],
  };
  test('0.7 names the distribution distro_name with the storage layout', () => {
    expect(buildRunConfig(base)).toMatchObject({ distro_name: 'rh-dev', storage: {}, registered_resources: {} });
    expect(buildRunConfig(base)).not.toHaveProperty('image_name');
  });
  test('an MCP endpoint that is neither /sse nor /mcp is rejected', () => {
    expect(() => buildRunConfig({ ...base, mcpToolGroups: [{ toolgroupId: 'mcp::openshift', endpoint: 'http://x:8000/' }] })).toThrow(
      /endpoint: .* must end in \/sse .* or \/mcp/,
    );
  });
  test('two providers with the same id are rejected', () => {
    const p = { providerId: 'a', url: 'https://a/v1', modelId: 'm' };
    expect(() => buildRunConfig({ ...base, inference: [p, p] })).toThrow(/inference\[1\].providerId: "a" is used twice/);
  });
  test('an http issuer is rejected by the construct', () => {
    expect(() => build({ issuerUrl: 'http://kc/realms/openshift' })).toThrow(/llamaStack.issuerUrl: .* must use https/);
  });
});

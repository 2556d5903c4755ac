import { McpInspector, McpInspectorProps } from '../../charts/mcp-inspector.js';
import { KubeObject, synthConstruct } from '../support/synth.js';

const build = (over: Partial<McpInspectorProps> = {}): KubeObject[] =>
  synthConstruct((c) => {
    new McpInspector(c, 'i', {
      namespace: 'llama-stack',
      image: { repository: 'ghcr.io/modelcontextprotocol/inspector', tag: '0.17.2' },
      mcpServerUrl: 'http://ocp-mcp-server.llama-stack.svc:8000/mcp',
      ...over,
    });
  });

const routed: Partial<McpInspectorProps> = {
  publicUrl: 'https://mcp-inspector.apps.example.com',
  proxyPublicUrl: 'https://mcp-inspector-proxy.apps.example.com',
  routeHost: 'mcp-inspector.apps.example.com',
  proxyRouteHost: 'mcp-inspector-proxy.apps.example.com',
};

describe('MCP Inspector', () => {
  test('keeps the Inspector proxy authentication on and presets the MCP server URL', () => {
    const env = build().find((o) => o.kind === 'Deployment')!.spec.template.spec.containers[0].env;
    expect(env.map((e: any) => e.name)).not.toContain('DANGEROUSLY_OMIT_AUTH');
    expect(env).toContainEqual({ name: 'MCP_SERVER_URL', value: 'http://ocp-mcp-server.llama-stack.svc:8000/mcp' });
  });

  test('without public URLs there are no Routes; with both, two edge Routes and matching ALLOWED_ORIGINS', () => {
    expect(build().filter((o) => o.kind === 'Route')).toEqual([]);
    const objs = build(routed);
    const routes = objs.filter((o) => o.kind === 'Route');
    expect(routes.map((r) => [r.spec.host, r.spec.port.targetPort, r.spec.tls.termination])).toEqual([
      ['mcp-inspector.apps.example.com', 'ui', 'edge'],
      ['mcp-inspector-proxy.apps.example.com', 'proxy', 'edge'],
    ]);
    const env = objs.find((o) => o.kind === 'Deployment')!.spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'ALLOWED_ORIGINS', value: 'https://mcp-inspector.apps.example.com,https://mcp-inspector-proxy.apps.example.com' });
  });

  test('one public URL without the other is an error naming the missing prop', () => {
    expect(() => build({ publicUrl: 'https://mcp-inspector.apps.example.com' })).toThrow(/mcpInspector.proxyPublicUrl: set both/);
    expect(() => build({ ...routed, proxyRouteHost: undefined })).toThrow(/mcpInspector.routeHost: set routeHost and proxyRouteHost/);
  });

  test('a Route host with a port is an error naming the prop', () => {
    expect(() => build({ ...routed, proxyRouteHost: 'mcp-inspector-proxy.apps.example.com:8443' })).toThrow(/mcpInspector.proxyRouteHost: .*carries no port/);
  });
});

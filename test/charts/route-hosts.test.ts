/**
 * Every Route of the synthesized stack has a host the Route CRD accepts. The host rule is read
 * from the CRD itself (../shared/crds/openshift-route/routes.crd.yaml, `spec.host` pattern and
 * maxLength), so the test follows the API server's own check rather than a copy of it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseStackConfig, type StackConfig } from '../../charts/config.js';
import { exampleConfig, synthStack } from '../support/stack.js';

const crd = parseYaml(readFileSync(resolve(process.cwd(), '../shared/crds/openshift-route/routes.crd.yaml'), 'utf8'));
const hostSchema = crd.spec.versions.find((v: any) => v.name === 'v1').schema.openAPIV3Schema.properties.spec.properties.host;
const hostPattern = new RegExp(hostSchema.pattern);

/** Hosts the Route CRD would refuse, as `<namespace>/<name>: <host>`. */
function badRouteHosts(cfg: StackConfig): string[] {
  return synthStack(cfg)
    .objects.filter((o) => o.kind === 'Route')
    .filter((r) => typeof r.spec.host !== 'string' || !hostPattern.test(r.spec.host) || r.spec.host.length > hostSchema.maxLength)
    .map((r) => `${r.metadata.namespace}/${r.metadata.name}: ${r.spec.host}`);
}

const { appsDomain: _domain, ...noDomain } = exampleConfig.openshift;
const variants: Record<string, StackConfig> = {
  'the example config': exampleConfig,
  'the MCP Inspector enabled': { ...exampleConfig, mcpInspector: { enabled: true } },
  'explicit hosts, a Keycloak host with a port': {
    ...exampleConfig,
    openshift: noDomain,
    mcpInspector: { enabled: true },
    hosts: {
      keycloak: '127.0.0.1:8443',
      console: 'console.example.com:8443',
      mcpServer: 'mcp.example.com',
      playground: 'play.example.com',
      mcpInspector: 'inspector.example.com',
      mcpInspectorProxy: 'inspector-proxy.example.com',
    },
  },
};

describe('Route hosts against the Route CRD host rule', () => {
  test('the CRD rule is the one read (it refuses a port)', () => {
    expect(hostPattern.test('mcp.example.com')).toBe(true);
    expect(hostPattern.test('mcp.example.com:8443')).toBe(false);
  });

  test.each(Object.entries(variants))('every Route host of %s matches the Route CRD host pattern', (_name, cfg) => {
    expect(synthStack(cfg).objects.some((o) => o.kind === 'Route')).toBe(true);
    expect(badRouteHosts(cfg)).toEqual([]);
  });

  const candidates = ['mcp.example.com', 'mcp.example.com:8443', 'mcp.example.com:443', 'MCP.example.com'];
  const routeFields = ['mcpServer', 'playground', 'mcpInspector', 'mcpInspectorProxy'] as const;
  test.each(routeFields)('whatever hosts.%s the config accepts yields a Route host the CRD accepts', (field) => {
    const accepted = candidates.filter((host) => {
      const cfg: StackConfig = { ...exampleConfig, mcpInspector: { enabled: true }, hosts: { [field]: host } };
      try {
        parseStackConfig(cfg);
      } catch {
        return false;
      }
      expect(badRouteHosts(cfg)).toEqual([]);
      return true;
    });
    expect(accepted).toContain('mcp.example.com');
  });
});

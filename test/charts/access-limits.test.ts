/**
 * Who may use the Playground (`playground.allowedGroups`, enforced by oauth2-proxy) and where
 * the MCP server listens (`bind_address`: all interfaces in the pod, loopback alone).
 */
import { describe, expect, it } from '@jest/globals';
import { parse } from 'smol-toml';
import { StackConfigError, type StackConfig } from '../../charts/config.js';
import { exampleConfig, synthStack } from '../support/stack.js';

function proxyArgs(cfg: StackConfig = exampleConfig): string[] {
  const s = synthStack(cfg);
  const dep = s.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === s.model.config.playground.name)!;
  return dep.spec.template.spec.containers.find((x: { name: string }) => x.name === 'oauth2-proxy').args as string[];
}

describe('playground.allowedGroups', () => {
  it("defaults to the stack's admin and developer groups, read from the groups claim", () => {
    const s = synthStack();
    const ca = s.model.config.clusterAuth;
    const args = proxyArgs();
    expect(args.filter((a) => a.startsWith('--allowed-group='))).toEqual([`--allowed-group=${ca.adminGroup}`, `--allowed-group=${ca.developerGroup}`]);
    expect(args).toContain(`--oidc-groups-claim=${ca.groupsClaim}`);
  });

  it('takes the configured groups (one flag each)', () => {
    const cfg = { ...exampleConfig, playground: { ...exampleConfig.playground, allowedGroups: ['openshift_admins'] } } as StackConfig;
    expect(proxyArgs(cfg).filter((a) => a.startsWith('--allowed-group='))).toEqual(['--allowed-group=openshift_admins']);
  });

  it('refuses a group the realm does not declare, naming the item', () => {
    const cfg = { ...exampleConfig, playground: { ...exampleConfig.playground, allowedGroups: ['openshift_admins', 'nobody'] } } as StackConfig;
    let err: unknown;
    try {
      synthStack(cfg);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StackConfigError);
    expect((err as StackConfigError).problems).toContainEqual({
      path: 'playground.allowedGroups[1]',
      reason: 'no realm group "nobody"; declare it in realm.groups',
    });
  });
});

describe('the MCP server bind_address', () => {
  it('is all interfaces in the pod config.toml', () => {
    const s = synthStack();
    const cm = s.objects.find((o) => o.kind === 'ConfigMap' && typeof o.data?.['config.toml'] === 'string' && o.data['config.toml'].includes('sts_client_id'))!;
    expect(parse(cm.data['config.toml'] as string).bind_address).toBe('0.0.0.0');
  });
});

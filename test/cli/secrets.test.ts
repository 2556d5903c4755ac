import { requiredSecrets } from '../../charts/required-secrets.js';
import { loadStackModel } from '../../cli/config-load.js';
import { runSecrets, sameValueKeys } from '../../cli/secrets.js';
import { namespaceManifestFiles } from '../../charts/namespaces.js';
import { MemorySecretSource } from '../../secrets/store.js';

const flags = { config: 'examples/reference.config.ts' };

describe('kube-mcp-stack secrets list|ensure', () => {
  it('lists every referenced key as missing on an empty cluster and exits 2', async () => {
    const lines: string[] = [];
    const code = await runSecrets('list', flags, (l) => lines.push(l), new MemorySecretSource());
    const required = requiredSecrets(await loadStackModel(flags.config));
    expect(code).toBe(2);
    expect(lines.filter((l) => l.startsWith('missing'))).toHaveLength(required.length);
  });

  it('ensure creates every generatable key once, shares values by valueId, and never prints a value', async () => {
    const source = new MemorySecretSource();
    const lines: string[] = [];
    expect(await runSecrets('ensure', flags, (l) => lines.push(l), source)).toBe(0);
    const required = requiredSecrets(await loadStackModel(flags.config));
    const generatable = required.filter((r) => r.format !== 'external-token');
    expect(source.values.size).toBe(generatable.length);
    for (const r of generatable.filter((g) => g.format !== 'username')) {
      expect(lines.join('\n')).not.toContain(source.values.get(`${r.namespace}/${r.name}/${r.key}`));
    }
    const byValueId = new Map<string, Set<string>>();
    for (const r of generatable) {
      const v = source.values.get(`${r.namespace}/${r.name}/${r.key}`)!;
      byValueId.set(r.valueId, (byValueId.get(r.valueId) ?? new Set()).add(v));
    }
    for (const values of byValueId.values()) expect(values.size).toBe(1);

    const again: string[] = [];
    await runSecrets('ensure', flags, (l) => again.push(l), source);
    expect(again.filter((l) => l.startsWith('created'))).toHaveLength(0);
  });

  it('names on each line the other keys that must hold the same value (same valueId)', async () => {
    const lines: string[] = [];
    await runSecrets('list', flags, (l) => lines.push(l), new MemorySecretSource());
    const model = await loadStackModel(flags.config);
    const sts = model.mcpServer.stsClientSecret;
    const required = requiredSecrets(model);
    const stsEntry = required.find((r) => r.namespace === sts.namespace && r.name === sts.name && r.key === sts.key)!;
    const realmCopy = required.find((r) => r.valueId === stsEntry.valueId && r !== stsEntry)!;
    expect(realmCopy.namespace).toBe(model.config.namespaces.keycloak);
    const stsLine = lines.find((l) => l.includes(`${sts.namespace}/${sts.name} [${sts.key}]`))!;
    expect(stsLine).toMatch(new RegExp(`\\(same value as ${realmCopy.namespace}/${realmCopy.name}\\[${realmCopy.key}\\]\\)$`));
    expect(lines.find((l) => l.includes(`${realmCopy.namespace}/${realmCopy.name} [${realmCopy.key}]`))).toContain(
      `(same value as ${sts.namespace}/${sts.name}[${sts.key}])`,
    );
    // a key with no twin names none
    expect(lines.find((l) => l.includes('[cookie-secret]'))).not.toContain('same value as');
  });

  describe('namespaces the Secrets go into', () => {
    // A cluster right after the operator files: only the Keycloak operator's namespace and openshift-config.
    const early = () => new MemorySecretSource({ namespaces: ['redhat-keycloak', 'openshift-config'] });

    it('ensure stops before writing anything, naming each missing namespace and the dist/ file that creates it', async () => {
      const source = early();
      const model = await loadStackModel(flags.config);
      const files = namespaceManifestFiles(model);
      const [mcp, pg] = [model.mcpServer.namespace, model.playground.namespace];
      expect(files.get(mcp)).toMatch(/^\d{4}-cluster-auth\.k8s\.yaml$/);
      await expect(runSecrets('ensure', flags, () => {}, source)).rejects.toThrow(
        `namespace ${pg} does not exist yet: apply dist/${files.get(pg)} first; ` +
          `namespace ${mcp} does not exist yet: apply dist/${files.get(mcp)} first, or rerun with --create-namespaces`,
      );
      expect(source.values.size).toBe(0);
    });

    it('names the operator file for the Keycloak namespace, and leaves out namespaces holding only external tokens', async () => {
      const source = new MemorySecretSource({ namespaces: ['openshift-config', 'mcp-server', 'llama-stack-playground'] });
      const err = await runSecrets('ensure', flags, () => {}, source).catch((e: Error) => e);
      expect((err as Error).message).toBe(
        'namespace redhat-keycloak does not exist yet: apply dist/0000-keycloak-operator.k8s.yaml first, or rerun with --create-namespaces',
      );
      // llama-stack holds only the model API tokens (never generated), so it is not asked for
      expect((err as Error).message).not.toContain('namespace llama-stack ');
    });

    it('ensure --create-namespaces creates only the missing namespaces, prints each, then the Secrets', async () => {
      const source = early();
      const lines: string[] = [];
      expect(await runSecrets('ensure', { ...flags, createNamespaces: true }, (l) => lines.push(l), source)).toBe(0);
      expect(lines.filter((l) => l.startsWith('namespace'))).toEqual(['namespace llama-stack-playground created', 'namespace mcp-server created']);
      expect([...source.namespaces!].sort()).toEqual(['llama-stack-playground', 'mcp-server', 'openshift-config', 'redhat-keycloak']);
      expect(source.values.has('mcp-server/mcp-server-sts/clientSecret')).toBe(true);
      const again: string[] = [];
      await runSecrets('ensure', { ...flags, createNamespaces: true }, (l) => again.push(l), source);
      expect(again.filter((l) => l.startsWith('namespace'))).toEqual([]);
    });

    it('list needs no namespace: keys in a missing one are reported missing', async () => {
      const lines: string[] = [];
      expect(await runSecrets('list', flags, (l) => lines.push(l), early())).toBe(2);
      expect(lines).toContainEqual(expect.stringMatching(/^missing +mcp-server\/mcp-server-sts \[clientSecret\]/));
    });
  });

  it('sameValueKeys groups by valueId and leaves out the key itself', () => {
    const r = (namespace: string, name: string, valueId: string) => ({ namespace, name, key: 'k', valueId, format: 'password' as const, purpose: 'p' });
    const same = sameValueKeys([r('a', 's1', 'x'), r('b', 's2', 'x'), r('c', 's3', 'x'), r('a', 's4', 'y')]);
    expect(same.get('a/s1[k]')).toEqual(['b/s2[k]', 'c/s3[k]']);
    expect(same.get('c/s3[k]')).toEqual(['a/s1[k]', 'b/s2[k]']);
    expect(same.get('a/s4[k]')).toEqual([]);
  });
});

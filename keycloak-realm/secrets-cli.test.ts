import { requiredSecrets } from '../charts/secrets.js';
import { loadStackModel } from './config-load.js';
import { runSecrets } from './secrets-cli.js';
import { MemorySecretSource } from './secrets.js';

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
});

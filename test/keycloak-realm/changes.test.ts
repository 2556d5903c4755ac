import { fieldChanges, formatChange, listDelta } from '../../keycloak-realm/changes.js';

describe('fieldChanges', () => {
  it('reports a nested attribute by its dotted path', () => {
    const changes = fieldChanges(
      'client mcp-server',
      { attributes: { 'standard.token.exchange.enabled': 'true' } },
      { attributes: { 'standard.token.exchange.enabled': 'false', other: 'x' } },
    );
    expect(changes.map(formatChange)).toEqual(['client mcp-server: attributes.standard.token.exchange.enabled "false" → "true"']);
  });

  it('ignores fields the desired state does not set and list order', () => {
    expect(fieldChanges('c', { redirectUris: ['a', 'b'] }, { redirectUris: ['b', 'a'], extra: 1 })).toEqual([]);
  });

  it('reports an absent actual value as unset', () => {
    expect(fieldChanges('realm r', { displayName: 'R' }, {}).map(formatChange)).toEqual(['realm r: displayName (unset) → "R"']);
  });
});

describe('formatChange', () => {
  it('never prints a secret value', () => {
    const line = formatChange({ action: 'update', object: 'client c', field: 'secret', from: 'old-value', to: 'new-value', secret: true });
    expect(line).toBe('client c: secret (value differs)');
  });

  it('prints creations and deletions', () => {
    expect(formatChange({ action: 'create', object: 'group g' })).toBe('group g: create');
    expect(formatChange({ action: 'delete', object: 'client x' })).toBe('client x: delete');
  });
});

describe('listDelta', () => {
  it('lists what to add and what to remove', () => {
    expect(listDelta(['a', 'b'], ['b', 'c'])).toEqual({ add: ['a'], remove: ['c'] });
  });
});

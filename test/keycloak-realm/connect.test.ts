import { credentialsFromEnv, describeConnectionError, RealmCliError } from '../../keycloak-realm/connect.js';

const fetchFailure = (code: string, message = code) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(message), { code }) });

describe('describeConnectionError', () => {
  it('names an untrusted certificate and the CA file that was used', () => {
    const e = describeConnectionError(fetchFailure('SELF_SIGNED_CERT_IN_CHAIN'), { baseUrl: 'https://kc', caFile: '/tmp/ca.pem' });
    expect(e).toBeInstanceOf(RealmCliError);
    expect(e.message).toBe('TLS failure connecting to https://kc: certificate not trusted with CA file /tmp/ca.pem (SELF_SIGNED_CERT_IN_CHAIN)');
  });

  it('suggests --ca-file when only the system CAs were used', () => {
    expect(describeConnectionError(fetchFailure('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), { baseUrl: 'https://kc' }).message).toContain('pass --ca-file <pem>');
  });

  it('names an unreachable server', () => {
    expect(describeConnectionError(fetchFailure('ENOTFOUND'), { baseUrl: 'https://nowhere' }).message).toBe(
      'Keycloak unreachable at https://nowhere (ENOTFOUND)',
    );
  });

  it('passes other errors through unchanged', () => {
    const other = new Error('boom');
    expect(describeConnectionError(other, { baseUrl: 'https://kc' })).toBe(other);
  });
});

describe('credentialsFromEnv', () => {
  it('prefers the admin user pair, then the client pair, else nothing', () => {
    expect(
      credentialsFromEnv({ KEYCLOAK_ADMIN_USERNAME: 'u', KEYCLOAK_ADMIN_PASSWORD: 'p', KEYCLOAK_ADMIN_CLIENT_ID: 'c', KEYCLOAK_ADMIN_CLIENT_SECRET: 's' }),
    ).toEqual({ kind: 'password', username: 'u', password: 'p' });
    expect(credentialsFromEnv({ KEYCLOAK_ADMIN_CLIENT_ID: 'c', KEYCLOAK_ADMIN_CLIENT_SECRET: 's' })).toEqual({
      kind: 'client',
      clientId: 'c',
      clientSecret: 's',
    });
    expect(credentialsFromEnv({ KEYCLOAK_ADMIN_USERNAME: 'u' })).toBeUndefined();
  });
});

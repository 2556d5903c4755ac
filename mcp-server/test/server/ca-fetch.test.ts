import { caFetch } from '../../src/net/ca-fetch.js';
import { startIssuerStub, type IssuerStub } from './support/issuer-stub.js';

let stub: IssuerStub;
beforeAll(async () => {
  stub = await startIssuerStub();
});
afterAll(async () => stub.close());
afterEach(() => {
  stub.exchangeDelayMs = 0;
});

describe('caFetch', () => {
  it('trusts the given CA bundle', async () => {
    const res = await caFetch(stub.caPem)(`${stub.issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { issuer: string }).issuer).toBe(stub.issuer);
  });

  it('refuses a self-signed server without that CA (default roots)', async () => {
    await expect(caFetch(undefined)(`${stub.issuer}/.well-known/openid-configuration`)).rejects.toMatchObject({
      cause: expect.objectContaining({ code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO/) }),
    });
  });

  it('sends the method, headers and form body (a token request)', async () => {
    const res = await caFetch(stub.caPem)(`${stub.issuer}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('mcp-server:secret-1').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: 'abc' }),
    });
    expect(res.status).toBe(200);
    expect(stub.exchanges.at(-1)?.params.get('subject_token')).toBe('abc');
  });

  it('passes non-2xx answers through as responses', async () => {
    const res = await caFetch(stub.caPem)(`${stub.issuer}/nope`);
    expect(res.status).toBe(404);
  });

  it('gives up after timeoutMs with an error naming the origin', async () => {
    stub.exchangeDelayMs = 1000;
    const f = caFetch(stub.caPem, 100);
    await expect(f(`${stub.issuer}/protocol/openid-connect/token`, { method: 'POST', body: 'x=1' })).rejects.toThrow(
      `request to ${new URL(stub.issuer).origin} timed out after 100 ms`,
    );
  });

  it("honours the caller's abort signal", async () => {
    stub.exchangeDelayMs = 1000;
    const ctl = new AbortController();
    const p = caFetch(stub.caPem)(`${stub.issuer}/protocol/openid-connect/token`, { method: 'POST', body: 'x=1', signal: ctl.signal });
    ctl.abort(new Error('caller gave up'));
    await expect(p).rejects.toThrow('caller gave up');
  });
});

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import OpenAI from 'openai';
import { askedNamespace, startFakeLlm, type FakeLlm } from './e2e/support/fake-llm.js';

const tools = [
  { type: 'function' as const, function: { name: 'pods_list_in_namespace', parameters: { type: 'object', properties: { namespace: { type: 'string' } } } } },
];
let llm: FakeLlm;
let client: OpenAI;
beforeAll(async () => {
  llm = await startFakeLlm({ models: ['m1'] });
  client = new OpenAI({ baseURL: llm.url, apiKey: 'k', maxRetries: 0 });
});
afterAll(() => llm.stop());

describe('the fake model decides from the request alone', () => {
  test.each([
    ['Which pods run in namespace llama-stack?', 'llama-stack'],
    ['List the pods in kube-system', 'kube-system'],
    ['pods of the team-a namespace', 'team-a'],
    ['What is a namespace?', undefined],
  ])('%s → %s', (q, ns) => expect(askedNamespace(q)).toBe(ns));

  test('GET /v1/models lists the configured ids', async () => {
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(['m1']);
  });

  test('a pods question with the tool offered → one tool call with the namespace', async () => {
    const r = await client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'pods in namespace ns-x' }], tools });
    expect(r.choices[0]!.finish_reason).toBe('tool_calls');
    expect(r.choices[0]!.message.tool_calls).toEqual([
      expect.objectContaining({ type: 'function', function: { name: 'pods_list_in_namespace', arguments: '{"namespace":"ns-x"}' } }),
    ]);
  });

  test('without the tool offered → text naming no tools', async () => {
    const r = await client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'pods in namespace ns-x' }] });
    expect(r.choices[0]!.message.content).toContain('Tools offered: none');
  });

  test('given a tool result → streamed final answer quoting it verbatim', async () => {
    const stream = await client.chat.completions.create({
      model: 'm1',
      stream: true,
      tools,
      messages: [
        { role: 'user', content: 'pods in namespace ns-x' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'pods_list_in_namespace', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'pod-1 Running\npod-2 Pending — a longer line that spans more than one chunk of the stream' },
      ],
    });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
    expect(text).toBe('The tool pods_list_in_namespace returned:\npod-1 Running\npod-2 Pending — a longer line that spans more than one chunk of the stream');
  });

  test('an unknown model or route is a 404, and every request is recorded', async () => {
    await expect(client.chat.completions.create({ model: 'other', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 404 });
    expect((await fetch(`${llm.url}/embeddings`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect(llm.requests.map((r) => r.path)).toContain('/v1/embeddings');
  });
});

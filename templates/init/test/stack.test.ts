/**
 * One snapshot per chart of the stack: a change of stack.config.ts (or of kube-mcp-stack) that
 * changes a manifest fails the snapshot of that chart only. After a change you meant, update
 * them with `npm test -- -u` and review the diff of test/__snapshots__/ in your pull request.
 */
import { describe, expect, it } from '@jest/globals';
import { Testing } from 'cdk8s';
import { addKubeMcpStack, deriveModel, parseStackConfig } from 'kube-mcp-stack';
import config from '../stack.config.js';

const charts = addKubeMcpStack(Testing.app(), deriveModel(parseStackConfig(config)));

describe('stack.config.ts', () => {
  it('adds at least one chart', () => {
    expect(Object.keys(charts).length).toBeGreaterThan(0);
  });

  for (const [id, chart] of Object.entries(charts)) {
    it(`chart ${id}`, () => {
      expect(Testing.synth(chart!)).toMatchSnapshot();
    });
  }
});

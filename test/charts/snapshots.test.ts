/**
 * Snapshot of every chart of the example config (examples/reference.config.ts), in apply order.
 * A change to any synthesized manifest shows up in review as a snapshot diff; update with
 * `npm test -- --selectProjects unit -u test/charts/snapshots.test.ts` after checking it.
 */
import { synthStack } from '../support/stack.js';

const stack = synthStack();
const chartIds = [...new Set(stack.charts.map((c) => c.chart))];

test('the example config synthesizes the reference components in apply order', () => {
  expect(chartIds).toEqual([
    'keycloak-operator',
    'openshift-ai',
    'keycloak-database',
    'keycloak',
    'realm',
    'llama-stack',
    'cluster-auth',
    'mcp-server',
    'playground',
    'feature-gate',
    'cluster-authentication',
  ]);
});

test.each(chartIds)('chart %s', (id) => {
  expect(stack.charts.filter((c) => c.chart === id).map((c) => c.obj)).toMatchSnapshot();
});

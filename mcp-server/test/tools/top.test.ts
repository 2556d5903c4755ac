import { formatCpu, formatMemory, parseQuantity } from '../../src/tools/core/quantity.js';
import { call, testContext, text } from './context.js';
import { startFakeApiServer } from '../k8s/fake-apiserver.js';

describe('quantities', () => {
  it.each([
    ['250m', 0.25],
    ['2', 2],
    ['1500000n', 0.0015],
    ['128Mi', 128 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1k', 1000],
    ['1e3', 1000],
  ])('parses %s', (q, v) => expect(parseQuantity(q)).toBeCloseTo(v, 9));

  it('rejects an unknown suffix', () => expect(() => parseQuantity('3Xi')).toThrow('invalid quantity "3Xi"'));

  it('formats like kubectl top', () => {
    expect(formatCpu(0.0015)).toBe('2m');
    expect(formatMemory(128 * 2 ** 20)).toBe('128Mi');
  });
});

describe('pods_top and nodes_top', () => {
  it('sums container usage per pod', async () => {
    const fake = await startFakeApiServer();
    try {
      fake.on('GET', '/apis/metrics.k8s.io/v1beta1/pods', {
        body: {
          kind: 'PodMetricsList',
          items: [
            {
              metadata: { name: 'web', namespace: 'shop' },
              containers: [
                { name: 'a', usage: { cpu: '100m', memory: '64Mi' } },
                { name: 'b', usage: { cpu: '50000000n', memory: '32768Ki' } },
              ],
            },
          ],
        },
      });
      expect(text(await call('pods_top', {}, testContext(fake)))).toBe('NAMESPACE   NAME   CPU(cores)   MEMORY(bytes)\nshop        web    150m         96Mi');
    } finally {
      await fake.close();
    }
  });

  it('shows node percentages of allocatable, or <unknown> when Nodes are not readable', async () => {
    const fake = await startFakeApiServer();
    try {
      fake.on('GET', '/apis/metrics.k8s.io/v1beta1/nodes', { body: { items: [{ metadata: { name: 'n1' }, usage: { cpu: '500m', memory: '1Gi' } }] } });
      fake.on('GET', '/api/v1/nodes', { body: { items: [{ metadata: { name: 'n1' }, status: { allocatable: { cpu: '2', memory: '4Gi' } } }] } });
      expect(text(await call('nodes_top', {}, testContext(fake)))).toBe(
        'NAME   CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)\nn1     500m         25%      1024Mi          25%',
      );
    } finally {
      await fake.close();
    }
  });
});

import { alignColumns, continueFooter, formatCell, renderTable, renderYaml, type Table } from '../../src/tools/render.js';

/** Column definition as the API server sends it. */
const col = (name: string, type = 'string', priority = 0) => ({ name, type, format: name === 'Name' ? 'name' : '', description: `${name} column`, priority });
const row = (cells: unknown[], namespace?: string) => ({
  cells,
  object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: String(cells[0]), namespace } },
});
const table = (columnDefinitions: ReturnType<typeof col>[], rows: ReturnType<typeof row>[], cont?: string): Table => ({
  kind: 'Table',
  apiVersion: 'meta.k8s.io/v1',
  metadata: { resourceVersion: '42', ...(cont ? { continue: cont } : {}) },
  columnDefinitions,
  rows,
});

describe('renderTable', () => {
  it('renders Pods like kubectl get pods -A: NAMESPACE first, wide-only columns hidden', () => {
    const t = table(
      [col('Name'), col('Ready'), col('Status'), col('Restarts', 'string'), col('Age'), col('IP', 'string', 1), col('Node', 'string', 1)],
      [
        row(['web-7d4b9c-abcde', '1/1', 'Running', '0', '5m', '10.0.0.5', 'node-1'], 'shop'),
        row(['db-0', '0/1', 'Pending', '0', '12s', null, null], 'shop-data'),
      ],
    );
    expect(renderTable(t, { withNamespace: true })).toBe(
      [
        'NAMESPACE   NAME               READY   STATUS    RESTARTS   AGE',
        'shop        web-7d4b9c-abcde   1/1     Running   0          5m',
        'shop-data   db-0               0/1     Pending   0          12s',
      ].join('\n'),
    );
  });

  it('shows priority>0 columns with wide, printing null as <none>', () => {
    const t = table([col('Name'), col('IP', 'string', 1)], [row(['db-0', null], 'a')]);
    expect(renderTable(t, { wide: true })).toBe('NAME   IP\ndb-0   <none>');
  });

  it('renders Deployments with integer columns', () => {
    const t = table(
      [col('Name'), col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Age'), col('Containers', 'string', 1)],
      [row(['api', '3/3', 3, 3, '2d', 'api'], 'prod')],
    );
    expect(renderTable(t)).toBe('NAME   READY   UP-TO-DATE   AVAILABLE   AGE\napi    3/3     3            3           2d');
  });

  it('renders cluster-scoped Namespaces without a NAMESPACE column', () => {
    const t = table([col('Name'), col('Status'), col('Age')], [row(['default', 'Active', '30d']), row(['kube-system', 'Active', '30d'])]);
    expect(renderTable(t)).toBe('NAME          STATUS   AGE\ndefault       Active   30d\nkube-system   Active   30d');
  });

  it("renders a custom resource's additionalPrinterColumns (Keycloak CR)", () => {
    const t = table(
      [col('Name'), col('Ready'), col('Hostname', 'string', 0), col('Age', 'date')],
      [row(['keycloak', 'True', 'sso.apps.example.com', '1h'], 'rhbk')],
    );
    expect(renderTable(t, { withNamespace: true })).toBe(
      'NAMESPACE   NAME       READY   HOSTNAME               AGE\nrhbk        keycloak   True    sso.apps.example.com   1h',
    );
  });

  it('renders Secrets from the server columns only (TYPE, DATA count), never values', () => {
    const t = table([col('Name'), col('Type'), col('Data', 'integer'), col('Age')], [row(['db-creds', 'Opaque', 2, '3d'], 'a')]);
    expect(renderTable(t)).toBe('NAME       TYPE     DATA   AGE\ndb-creds   Opaque   2      3d');
  });

  it('says "No resources found" for an empty table (rows null or [])', () => {
    expect(renderTable({ ...table([col('Name')], []), rows: null })).toBe('No resources found');
    expect(renderTable(table([col('Name')], []))).toBe('No resources found');
  });
});

describe('cells and alignment', () => {
  it('formats arrays, objects, numbers and booleans', () => {
    expect(formatCell(['a', 'b'])).toBe('a,b');
    expect(formatCell([])).toBe('<none>');
    expect(formatCell({ a: 1 })).toBe('{"a":1}');
    expect(formatCell(0)).toBe('0');
    expect(formatCell(false)).toBe('false');
    expect(formatCell(undefined)).toBe('<none>');
  });

  it('pads every column but the last by 3 spaces', () => {
    expect(
      alignColumns([
        ['A', 'BB'],
        ['CCC', 'D'],
      ]),
    ).toBe('A     BB\nCCC   D');
  });
});

describe('continueFooter', () => {
  it('tells the model how to fetch the next page', () => {
    expect(continueFooter({ continue: 'eyJ2Ijo', remainingItemCount: 40 })).toBe(
      '\n\nMore results available (40 more items): call again with continue="eyJ2Ijo"',
    );
    expect(continueFooter({})).toBe('');
  });
});

describe('renderYaml', () => {
  it('drops managedFields from an object and from list items', () => {
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', managedFields: [{ manager: 'kubectl' }] }, data: { k: 'v' } };
    const y = renderYaml([obj]);
    expect(y).not.toContain('managedFields');
    expect(y).toContain('name: x');
    expect(renderYaml({ items: [{ metadata: { name: 'y', managedFields: [] } }] })).not.toContain('managedFields');
  });
});

/**
 * Output rendering for `list_output`:
 * - `table`: the API server's own Table (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`,
 *   meta.k8s.io/v1 `Table`), so every kind — CRDs included, via their `additionalPrinterColumns` —
 *   gets its printer columns. Rendered like `kubectl get`: upper-case headers, columns of priority 0
 *   only, `NAMESPACE` first when listing across namespaces, columns left-aligned and separated by
 *   3 spaces (kubectl's tabwriter padding).
 *   Alignment is done here rather than with cli-table3: borderless cli-table3 still pads every cell
 *   on both sides and cannot reproduce kubectl's exact spacing; the logic is a dozen lines.
 * - `yaml`: the objects as YAML (yaml library), without `metadata.managedFields`.
 */
import { stringify } from 'yaml';

/** meta.k8s.io/v1 TableColumnDefinition (the fields used here). */
export interface TableColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  /** 0 = shown by default; >0 only with `-o wide`. */
  priority?: number;
}
/** meta.k8s.io/v1 TableRow; `object` is a PartialObjectMetadata by default. */
export interface TableRow {
  cells: unknown[];
  object?: { metadata?: { name?: string; namespace?: string } };
}
/** meta.k8s.io/v1 Table. */
export interface Table {
  kind: 'Table';
  apiVersion?: string;
  metadata?: { continue?: string; resourceVersion?: string; remainingItemCount?: number };
  columnDefinitions: TableColumn[];
  rows: TableRow[] | null;
}

/** The Accept header that asks the API server for a Table (falls back to JSON if unsupported). */
export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

export interface TableRenderOptions {
  /** Prepend a NAMESPACE column from each row's object metadata. */
  withNamespace?: boolean;
  /** Include columns with priority > 0 (kubectl `-o wide`); default false. */
  wide?: boolean;
}

/** Format one cell as kubectl does: null/undefined → `<none>`, arrays joined by `,`, objects as JSON. */
export function formatCell(v: unknown): string {
  if (v === null || v === undefined || v === '') return v === '' ? '' : '<none>';
  if (Array.isArray(v)) return v.length ? v.map(formatCell).join(',') : '<none>';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Align rows of text into columns separated by 3 spaces; trailing spaces trimmed. */
export function alignColumns(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] + 3)))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

/** Render a meta.k8s.io/v1 Table as kubectl-like text. An empty table renders as `No resources found`. */
export function renderTable(table: Table, opts: TableRenderOptions = {}): string {
  const rows = table.rows ?? [];
  if (rows.length === 0) return 'No resources found';
  const cols = table.columnDefinitions.map((c, i) => ({ c, i })).filter(({ c }) => opts.wide || !c.priority);
  const header = cols.map(({ c }) => c.name.toUpperCase());
  const body = rows.map((r) => cols.map(({ i }) => formatCell(r.cells[i])));
  if (opts.withNamespace) {
    header.unshift('NAMESPACE');
    rows.forEach((r, n) => body[n].unshift(r.object?.metadata?.namespace ?? ''));
  }
  return alignColumns([header, ...body]);
}

/** Remove `metadata.managedFields` (in place) from an object, an array of objects or each item of a list; returns it. */
export function stripManagedFields<T>(obj: T): T {
  const o = obj as { metadata?: { managedFields?: unknown }; items?: unknown[] };
  if (Array.isArray(o)) o.forEach(stripManagedFields);
  else if (o && typeof o === 'object') {
    if (o.metadata) delete o.metadata.managedFields;
    if (Array.isArray(o.items)) o.items.forEach(stripManagedFields);
  }
  return obj;
}

/** YAML text of an object (or a list's items as a YAML sequence), without managedFields. */
export function renderYaml(obj: unknown): string {
  return stringify(stripManagedFields(obj), { lineWidth: 0 }).trimEnd();
}

/** Footer telling the model how to get the next page, when the server returned a continue token. */
export function continueFooter(meta: { continue?: string; remainingItemCount?: number } | undefined): string {
  if (!meta?.continue) return '';
  const rest = meta.remainingItemCount !== undefined ? ` (${meta.remainingItemCount} more items)` : '';
  return `\n\nMore results available${rest}: call again with continue="${meta.continue}"`;
}

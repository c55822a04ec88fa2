import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type PGlite } from '@workbench/exercise-kit/db';
import { migration } from './index-migration.ts';

/** One node of EXPLAIN (FORMAT JSON) output, with the fields these tests read. */
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Filter?: string;
  Plans?: PlanNode[];
}

/** Plans that count as "uses an index". A Bitmap Index Scan sits under a Bitmap Heap Scan. */
const INDEX_SCANS = new Set(['Index Scan', 'Index Only Scan', 'Bitmap Index Scan']);

const queries = {
  byCustomer: 'SELECT * FROM orders WHERE customer_id = 42',
  byCustomerSince: "SELECT * FROM orders WHERE customer_id = 42 AND created_at >= '2024-07-01'",
  byEmail: "SELECT * FROM customers WHERE lower(email) = 'customer4242@example.com'",
  openQueue: "SELECT * FROM orders WHERE status = 'open' ORDER BY created_at",
  byDomain: "SELECT * FROM customers WHERE email LIKE '%@example.org'",
};
type QueryName = keyof typeof queries;

let db: PGlite;
let migrationError: string | undefined;
const before = {} as Record<QueryName, PlanNode[]>;
const after = {} as Record<QueryName, PlanNode[]>;
/** The indexes the migration created: name, and whether it is partial (has a WHERE). */
let created: Array<{ name: string; partial: boolean; definition: string }> = [];

beforeAll(async () => {
  db = await openDatabase();
  // Deterministic data: no random(), so the statistics and the plans are the same every run.
  await db.exec(`
    CREATE TABLE customers (
      id integer PRIMARY KEY, email text NOT NULL, name text NOT NULL,
      created_at timestamptz NOT NULL
    );
    INSERT INTO customers
      SELECT i,
        CASE WHEN i % 3 = 0 THEN 'Customer' || i || '@Example.com'
             ELSE 'customer' || i || '@example.com' END,
        'Customer number ' || i,
        timestamptz '2023-01-01' + i * interval '47 minutes'
      FROM generate_series(1, 10000) AS i;
    CREATE TABLE orders (
      id integer PRIMARY KEY, customer_id integer NOT NULL, status text NOT NULL,
      total_cents integer NOT NULL, created_at timestamptz NOT NULL, note text
    );
    INSERT INTO orders
      SELECT i, (i * 7919) % 1000 + 1,
        CASE WHEN i % 50 = 0 THEN 'open' WHEN i % 3 = 0 THEN 'cancelled' ELSE 'shipped' END,
        (i * 37) % 20000,
        timestamptz '2024-01-01' + i * interval '17 minutes',
        'order note ' || i
      FROM generate_series(1, 30000) AS i;
    ANALYZE;
  `);
  for (const name of Object.keys(queries) as QueryName[]) before[name] = await explain(name);
  try {
    for (const statement of splitStatements(migration)) await db.query(statement);
    // A new expression index has no statistics until ANALYZE, as after any real migration.
    await db.query('ANALYZE');
  } catch (error) {
    migrationError = String(error);
  }
  for (const name of Object.keys(queries) as QueryName[]) after[name] = await explain(name);
  const { rows } = await db.query<{ name: string; partial: boolean; definition: string }>(`
    SELECT c.relname AS name, i.indpred IS NOT NULL AS partial,
           pg_get_indexdef(i.indexrelid) AS definition
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = 'public' AND NOT i.indisprimary
    ORDER BY c.relname`);
  created = rows;
}, 20_000);

afterAll(() => db.close());

/** Splits SQL on the semicolons that end statements (not those in quotes or comments). */
function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  for (let i = 0; i < sql.length; i++) {
    const char = sql[i]!;
    if (char === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
      current += '\n';
    } else if (char === "'") {
      const end = sql.indexOf("'", i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      current += sql.slice(i, stop);
      i = stop - 1;
    } else if (char === ';') {
      statements.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  statements.push(current);
  return statements.map((s) => s.trim()).filter((s) => s !== '');
}

async function explain(name: QueryName): Promise<PlanNode[]> {
  const { rows } = await db.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
    `EXPLAIN (FORMAT JSON) ${queries[name]}`,
  );
  const nodes: PlanNode[] = [];
  const walk = (node: PlanNode) => {
    nodes.push(node);
    node.Plans?.forEach(walk);
  };
  walk(rows[0]!['QUERY PLAN'][0]!.Plan);
  return nodes;
}

/** A plan as one line: "Bitmap Heap Scan > Bitmap Index Scan on idx (customer_id = 42)". */
function show(nodes: PlanNode[]): string {
  return nodes
    .map((node) => {
      let text = node['Node Type'];
      if (node['Index Name']) text += ` on ${node['Index Name']}`;
      else if (node['Relation Name']) text += ` on ${node['Relation Name']}`;
      if (node['Index Cond']) text += ` [Index Cond: ${node['Index Cond']}]`;
      if (node.Filter) text += ` [Filter: ${node.Filter}]`;
      return text;
    })
    .join(' > ');
}

/** The index scans in a plan that use an index the migration created (not a primary key). */
function indexScans(nodes: PlanNode[]): PlanNode[] {
  const names = new Set(created.map((index) => index.name));
  return nodes.filter(
    (node) => INDEX_SCANS.has(node['Node Type']) && names.has(node['Index Name'] ?? ''),
  );
}

/** 'index scan' when the plan reads through a new index and reads no table in full. */
function verdict(nodes: PlanNode[]): string {
  if (nodes.some((node) => node['Node Type'] === 'Seq Scan')) return `Seq Scan: ${show(nodes)}`;
  return indexScans(nodes).length > 0 ? 'index scan' : `no new index used: ${show(nodes)}`;
}

function expectSeqScanBefore(name: QueryName): void {
  expect(
    before[name].some((node) => node['Node Type'] === 'Seq Scan'),
    `test fixture: before the migration, ${queries[name]} should be a Seq Scan`,
  ).toBe(true);
}

describe('migration', () => {
  it('runs without errors and creates at least one index', () => {
    expect(migrationError, 'the migration failed to run').toBeUndefined();
    expect(created.length, 'the migration must create indexes').toBeGreaterThan(0);
  });

  it("finds one customer's orders with an index (the composite's leftmost column)", () => {
    expectSeqScanBefore('byCustomer');
    expect(
      verdict(after.byCustomer),
      `${queries.byCustomer} must use an index. A composite index can only be entered through ` +
        'its leftmost column: (created_at, customer_id) is sorted by created_at first, so it ' +
        'cannot find customer 42 without reading it all. Put customer_id first',
    ).toBe('index scan');
  });

  it('answers customer_id plus a created_at range inside one composite index', () => {
    expectSeqScanBefore('byCustomerSince');
    expect(verdict(after.byCustomerSince), `${queries.byCustomerSince} must use an index`).toBe(
      'index scan',
    );
    const conditions = indexScans(after.byCustomerSince).map((node) => node['Index Cond'] ?? '');
    expect(
      conditions.some((cond) => cond.includes('customer_id') && cond.includes('created_at')),
      `both conditions must be answered by the index (its Index Cond), but the plan is ` +
        `${show(after.byCustomerSince)}. An index on customer_id alone finds the customer's ` +
        'orders, then checks created_at on every one of them: a composite index ' +
        '(customer_id, created_at), equality column first and range column second, does both',
    ).toBe(true);
  });

  it('finds a customer by email case-insensitively with an expression index', () => {
    expectSeqScanBefore('byEmail');
    expect(
      verdict(after.byEmail),
      `${queries.byEmail} compares lower(email), and an index on email stores the emails as ` +
        "typed ('Customer42@Example.com'), so the planner cannot use it: index the expression, " +
        'ON customers (lower(email))',
    ).toBe('index scan');
  });

  it('serves the open-orders queue from a partial index', () => {
    expectSeqScanBefore('openQueue');
    expect(verdict(after.openQueue), `${queries.openQueue} must use an index`).toBe('index scan');
    const used = new Set(indexScans(after.openQueue).map((node) => node['Index Name']));
    const partial = created.filter((index) => used.has(index.name) && index.partial);
    expect(
      partial.map((index) => index.name),
      `the queue only ever reads open orders (about 2% of the rows), yet the index it uses ` +
        `indexes every order (${[...used].join(', ')}). A partial index, ... WHERE status = ` +
        "'open', is a fraction of the size and is never written for a shipped order",
    ).toHaveLength(1);
  });

  it('leaves the leading-wildcard search a Seq Scan and adds no index nothing uses', () => {
    expect(
      verdict(after.byDomain),
      `${queries.byDomain}: a B-tree is sorted from the first character, and a leading ` +
        'wildcard gives it no prefix to search for',
    ).toMatch(/^Seq Scan/);
    const used = new Set(
      Object.values(after).flatMap((nodes) => nodes.map((node) => node['Index Name'])),
    );
    const unused = created.filter((index) => !used.has(index.name)).map((i) => i.definition);
    expect(
      unused,
      `used by none of the queries: ${unused.join('; ')}. Every index is written on every INSERT ` +
        'and on UPDATEs of its columns, and takes disk and cache: an index on email does ' +
        'nothing for lower(email) or LIKE with a leading %, and an index on (customer_id) is ' +
        'redundant next to one on (customer_id, created_at), which serves the same lookups',
    ).toEqual([]);
  });
});

/**
 * A migration for this schema (the tests fill it with 10,000 customers and 30,000 orders, then
 * run ANALYZE):
 *
 *   customers (id integer PRIMARY KEY, email text NOT NULL, name text NOT NULL,
 *              created_at timestamptz NOT NULL)
 *   orders    (id integer PRIMARY KEY, customer_id integer NOT NULL, status text NOT NULL,
 *              total_cents integer NOT NULL, created_at timestamptz NOT NULL, note text)
 *
 * Emails are stored as the customers typed them ('Customer42@Example.com'); about 2% of the
 * orders are 'open', the rest 'shipped' or 'cancelled'.
 *
 * After the migration (and ANALYZE), these queries must plan as an Index Scan, Index Only Scan
 * or Bitmap Index Scan on an index the migration created, where today they read every row
 * (Seq Scan):
 *
 *   1. SELECT * FROM orders WHERE customer_id = 42
 *   2. SELECT * FROM orders WHERE customer_id = 42 AND created_at >= '2024-07-01'
 *      (with both conditions answered inside the index)
 *   3. SELECT * FROM customers WHERE lower(email) = 'customer4242@example.com'
 *   4. SELECT * FROM orders WHERE status = 'open' ORDER BY created_at
 *      (from an index that holds only the open orders)
 *
 * This one stays a Seq Scan, and no index may be added for it (or for anything else): every
 * index the migration creates must be used by at least one of the five queries.
 *
 *   5. SELECT * FROM customers WHERE email LIKE '%@example.org'
 *
 * Statements are separated by semicolons and run one at a time, so CREATE INDEX CONCURRENTLY
 * works too.
 */
export const migration = `
-- TODO: this is the index everyone adds first. Query 1 uses it, but in query 2 the created_at
-- condition is checked row by row, and queries 3 and 4 still read every row.
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
`;

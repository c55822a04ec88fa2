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
-- Equality column first, range column second: the B-tree is sorted by customer_id, then by
-- created_at inside each customer, so both queries 1 and 2 enter it through its leftmost
-- column and query 2 reads only the matching range. No separate (customer_id) index needed.
CREATE INDEX orders_customer_created_idx ON orders (customer_id, created_at);

-- The query compares lower(email), so the index must store lower(email): an index on email
-- holds 'Customer42@Example.com', which the planner cannot match against a lowered value.
CREATE INDEX customers_email_lower_idx ON customers (lower(email));

-- Only open orders, about 2% of the rows: a small index that also returns them in created_at
-- order. The planner uses it because the query's WHERE implies the index's WHERE.
CREATE INDEX orders_open_created_idx ON orders (created_at) WHERE status = 'open';

-- Nothing for LIKE '%@example.org': a B-tree is sorted from the first character, and a leading
-- wildcard gives it no prefix to start from.
`;

/**
 * <interleaving-stepper>: two PostgreSQL sessions, A and B, running statements in a fixed order,
 * one step at a time, with the rows each session would see after every step. The scenarios
 * below are data: they describe PostgreSQL's documented behaviour at each isolation level.
 * Nothing here runs SQL. PGlite has a single connection, so two truly concurrent sessions cannot
 * be shown live; the component says so on the page.
 *
 * This module is imported twice: by Interleaving.astro at build time (for the scenario data,
 * in Node, where there is no DOM) and as the client script that defines the element.
 */

export type Value = string | number | boolean;
export type Row = Value[];

/** What one session does in a step. `sql` may be empty for a session that only resumes. */
export interface Cell {
  sql: string;
  result?: string;
  /** ok: ran; waiting: blocked on a lock; resumed: a blocked statement finished; error: failed. */
  state?: 'ok' | 'waiting' | 'resumed' | 'error';
}

export interface Step {
  a?: Cell;
  b?: Cell;
  /** Why this happens, in one or two sentences. */
  note: string;
  /**
   * What `SELECT * FROM <table>` would return in each session right after this step (in its
   * current transaction, with its own uncommitted changes), or a sentence when it cannot run.
   */
  sees: { a: Row[] | string; b: Row[] | string };
}

export interface Scenario {
  title: string;
  isolation: 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';
  table: { name: string; columns: string[] };
  initial: Row[];
  steps: Step[];
}

const items = { name: 'items', columns: ['id', 'name', 'stock'] };
const accounts = { name: 'accounts', columns: ['id', 'balance'] };
const doctors = { name: 'doctors', columns: ['name', 'on_call'] };

const lamp = (stock: number): Row[] => [[1, 'lamp', stock]];
const balances = (alice: number, carol?: number): Row[] =>
  carol === undefined
    ? [
        ['alice', alice],
        ['bob', 50],
      ]
    : [
        ['alice', alice],
        ['bob', 50],
        ['carol', carol],
      ];
const onCall = (alice: boolean, bob: boolean): Row[] => [
  ['alice', alice],
  ['bob', bob],
];
const same = (rows: Row[]) => ({ a: rows, b: rows });

/** Reads and writes of the same rows, shared by the RR and SERIALIZABLE write-skew scenarios. */
function writeSkew(isolation: 'REPEATABLE READ' | 'SERIALIZABLE'): Step[] {
  const begin = `BEGIN ISOLATION LEVEL ${isolation};`;
  const count = 'SELECT count(*) FROM doctors WHERE on_call;';
  const steps: Step[] = [
    {
      a: { sql: begin, result: 'BEGIN' },
      note: 'Alice wants to go home. The rule: at least one doctor stays on call.',
      sees: same(onCall(true, true)),
    },
    {
      b: { sql: begin, result: 'BEGIN' },
      note: 'At the same moment, Bob wants to go home too.',
      sees: same(onCall(true, true)),
    },
    {
      a: { sql: count, result: '2' },
      note: "A's first statement takes its snapshot: two doctors on call, so Alice may leave.",
      sees: same(onCall(true, true)),
    },
    {
      b: { sql: count, result: '2' },
      note: 'B takes its own snapshot and reaches the same conclusion for Bob.',
      sees: same(onCall(true, true)),
    },
    {
      a: { sql: "UPDATE doctors SET on_call = false WHERE name = 'alice';", result: 'UPDATE 1' },
      note: 'A changes only the alice row. B cannot see this uncommitted change.',
      sees: { a: onCall(false, true), b: onCall(true, true) },
    },
    {
      b: { sql: "UPDATE doctors SET on_call = false WHERE name = 'bob';", result: 'UPDATE 1' },
      note: 'B changes only the bob row: a different row, so there is no lock to wait for.',
      sees: { a: onCall(false, true), b: onCall(true, false) },
    },
    {
      a: { sql: 'COMMIT;', result: 'COMMIT' },
      note: 'A commits. Its session is out of the transaction and sees the committed data.',
      sees: { a: onCall(false, true), b: onCall(true, false) },
    },
  ];
  if (isolation === 'REPEATABLE READ') {
    steps.push({
      b: { sql: 'COMMIT;', result: 'COMMIT' },
      note:
        'B commits as well: the two transactions wrote different rows, so Repeatable Read sees ' +
        'no conflict. Nobody is on call, although each transaction checked the rule. This is ' +
        'write skew.',
      sees: same(onCall(false, false)),
    });
  } else {
    steps.push(
      {
        b: {
          sql: 'COMMIT;',
          result:
            'ERROR 40001: could not serialize access due to read/write dependencies among ' +
            'transactions',
          state: 'error',
        },
        note:
          'Each transaction read a row the other one wrote, so no serial order of the two ' +
          'would give this result, and PostgreSQL refuses to commit the second one. It may ' +
          'raise this error at an earlier statement of B; it guarantees that one of the two ' +
          'transactions fails.',
        sees: same(onCall(false, true)),
      },
      {
        b: { sql: begin + ' ' + count, result: '1' },
        note:
          'The application retries the whole transaction. The new snapshot shows one doctor ' +
          'on call, so this time Bob is told to stay.',
        sees: same(onCall(false, true)),
      },
    );
  }
  return steps;
}

export const scenarios = {
  'lost-update': {
    title: 'Lost update: read, compute in the application, write back',
    isolation: 'READ COMMITTED',
    table: items,
    initial: lamp(10),
    steps: [
      {
        a: { sql: 'BEGIN;', result: 'BEGIN' },
        note: "A starts a transaction at PostgreSQL's default level, Read Committed.",
        sees: same(lamp(10)),
      },
      {
        b: { sql: 'BEGIN;', result: 'BEGIN' },
        note: 'B starts one too: two customers are buying the last lamps.',
        sees: same(lamp(10)),
      },
      {
        a: { sql: 'SELECT stock FROM items WHERE id = 1;', result: '10' },
        note: "A's application reads 10 and computes 10 - 1 = 9.",
        sees: same(lamp(10)),
      },
      {
        b: { sql: 'SELECT stock FROM items WHERE id = 1;', result: '10' },
        note: "B reads 10 as well and computes 9: A's decision is still in A's memory.",
        sees: same(lamp(10)),
      },
      {
        a: { sql: 'UPDATE items SET stock = 9 WHERE id = 1;', result: 'UPDATE 1' },
        note: 'A writes 9 and now holds a lock on the row. B still sees 10: no dirty reads.',
        sees: { a: lamp(9), b: lamp(10) },
      },
      {
        b: {
          sql: 'UPDATE items SET stock = 9 WHERE id = 1;',
          result: 'waiting…',
          state: 'waiting',
        },
        note: "B wants to write the same row and must wait for A's lock.",
        sees: { a: lamp(9), b: 'Blocked: waiting for the row lock A holds.' },
      },
      {
        a: { sql: 'COMMIT;', result: 'COMMIT' },
        b: { sql: '', result: 'UPDATE 1 (resumed)', state: 'resumed' },
        note:
          "A commits and B's UPDATE goes ahead on the committed row. It still writes 9: the " +
          'value was computed from the 10 that B read before.',
        sees: same(lamp(9)),
      },
      {
        b: { sql: 'COMMIT;', result: 'COMMIT' },
        note:
          'Two lamps sold, stock down by one: A\u2019s update is lost. SET stock = stock - 1 ' +
          'would have given 8, because the database computes it from the current row.',
        sees: same(lamp(9)),
      },
    ],
  },

  'non-repeatable-read': {
    title: 'Non-repeatable read and phantom: the same query, two answers',
    isolation: 'READ COMMITTED',
    table: accounts,
    initial: balances(100),
    steps: [
      {
        a: { sql: 'BEGIN;', result: 'BEGIN' },
        note: 'A starts a report at Read Committed.',
        sees: same(balances(100)),
      },
      {
        a: { sql: 'SELECT sum(balance) FROM accounts;', result: '150' },
        note: 'Each statement at Read Committed gets a fresh snapshot, taken when it starts.',
        sees: same(balances(100)),
      },
      {
        b: { sql: "UPDATE accounts SET balance = 70 WHERE id = 'alice';", result: 'UPDATE 1' },
        note: 'B runs outside a transaction block, so its change commits at once (autocommit).',
        sees: same(balances(70)),
      },
      {
        b: { sql: "INSERT INTO accounts VALUES ('carol', 25);", result: 'INSERT 0 1' },
        note: 'B adds a row, committed at once as well.',
        sees: same(balances(70, 25)),
      },
      {
        a: { sql: 'SELECT sum(balance) FROM accounts;', result: '145' },
        note:
          'Same query, same transaction, different answer. The changed alice row is a ' +
          'non-repeatable read; carol, a row that did not exist before, is a phantom.',
        sees: same(balances(70, 25)),
      },
      {
        a: { sql: 'COMMIT;', result: 'COMMIT' },
        note: 'A report that adds up several queries can mix two states of the data.',
        sees: same(balances(70, 25)),
      },
    ],
  },

  'repeatable-read': {
    title: 'Repeatable Read: one snapshot for the whole transaction',
    isolation: 'REPEATABLE READ',
    table: accounts,
    initial: balances(100),
    steps: [
      {
        a: { sql: 'BEGIN ISOLATION LEVEL REPEATABLE READ;', result: 'BEGIN' },
        note: 'The same schedule as before, one level up.',
        sees: same(balances(100)),
      },
      {
        a: { sql: 'SELECT sum(balance) FROM accounts;', result: '150' },
        note: "The snapshot is taken by the transaction's first statement (not by BEGIN).",
        sees: same(balances(100)),
      },
      {
        b: { sql: "UPDATE accounts SET balance = 70 WHERE id = 'alice';", result: 'UPDATE 1' },
        note: "B's change commits, but A keeps reading its snapshot.",
        sees: { a: balances(100), b: balances(70) },
      },
      {
        b: { sql: "INSERT INTO accounts VALUES ('carol', 25);", result: 'INSERT 0 1' },
        note: "PostgreSQL's Repeatable Read also hides new rows: no phantoms either.",
        sees: { a: balances(100), b: balances(70, 25) },
      },
      {
        a: { sql: 'SELECT sum(balance) FROM accounts;', result: '150' },
        note: 'The same answer as before: the report is consistent.',
        sees: { a: balances(100), b: balances(70, 25) },
      },
      {
        a: {
          sql: "UPDATE accounts SET balance = balance - 10 WHERE id = 'alice';",
          result: 'ERROR 40001: could not serialize access due to concurrent update',
          state: 'error',
        },
        note:
          'A tries to write a row that changed after its snapshot. Writing over a version it ' +
          'cannot see would lose B\u2019s update, so PostgreSQL fails the statement instead.',
        sees: {
          a: 'Transaction aborted: every statement fails until ROLLBACK.',
          b: balances(70, 25),
        },
      },
      {
        a: { sql: 'ROLLBACK;', result: 'ROLLBACK' },
        note: 'The application must retry the whole transaction, which then sees 70.',
        sees: same(balances(70, 25)),
      },
    ],
  },

  'write-skew': {
    title: 'Write skew: two transactions, two rows, one broken rule',
    isolation: 'REPEATABLE READ',
    table: doctors,
    initial: onCall(true, true),
    steps: writeSkew('REPEATABLE READ'),
  },

  serializable: {
    title: 'Serializable: the same schedule, and the second commit fails',
    isolation: 'SERIALIZABLE',
    table: doctors,
    initial: onCall(true, true),
    steps: writeSkew('SERIALIZABLE'),
  },
} satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof scenarios;

function format(value: Value): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** Fills `target` with a table of `rows`, or a sentence when the session cannot read. */
function renderView(
  target: HTMLElement,
  columns: string[],
  rows: Row[] | string,
  previous: Row[] | string,
): void {
  if (typeof rows === 'string') {
    const text = document.createElement('p');
    text.className = 'blocked';
    text.textContent = rows;
    target.replaceChildren(text);
    return;
  }
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const column of columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = column;
    head.append(th);
  }
  const body = table.createTBody();
  rows.forEach((row, r) => {
    const tr = body.insertRow();
    row.forEach((value, c) => {
      const td = tr.insertCell();
      td.textContent = format(value);
      const before = typeof previous === 'string' ? undefined : previous[r];
      if (!before || before[c] !== value) {
        td.className = 'changed';
        const hint = document.createElement('span');
        hint.className = 'visually-hidden';
        hint.textContent = ' (changed)';
        td.append(hint);
      }
    });
  });
  target.replaceChildren(table);
}

function describeCell(session: 'A' | 'B', cell: Cell | undefined): string {
  if (!cell) return '';
  const action = cell.sql ? `Session ${session} runs ${cell.sql}` : `Session ${session}`;
  return cell.result ? `${action} Result: ${cell.result}.` : `${action}.`;
}

function defineElement(): void {
  class InterleavingStepper extends HTMLElement {
    connectedCallback(): void {
      const name = this.dataset['scenario'] as ScenarioName;
      const scenario: Scenario | undefined = scenarios[name];
      if (!scenario) return;
      const rows = [...this.querySelectorAll<HTMLTableRowElement>('[data-step]')];
      const previous = this.querySelector<HTMLButtonElement>('[data-action="previous"]')!;
      const next = this.querySelector<HTMLButtonElement>('[data-action="next"]')!;
      const restart = this.querySelector<HTMLButtonElement>('[data-action="restart"]')!;
      const status = this.querySelector<HTMLElement>('[data-status]')!;
      const views = {
        a: this.querySelector<HTMLElement>('[data-view="a"]')!,
        b: this.querySelector<HTMLElement>('[data-view="b"]')!,
      };
      const total = scenario.steps.length;
      let current = 0;

      const render = () => {
        rows.forEach((row, index) => {
          const step = index + 1;
          row.dataset['state'] = step < current ? 'done' : step === current ? 'current' : 'next';
          if (step === current) row.setAttribute('aria-current', 'step');
          else row.removeAttribute('aria-current');
        });
        const step = scenario.steps[current - 1];
        const before = scenario.steps[current - 2];
        const initial = { a: scenario.initial, b: scenario.initial };
        const sees = step?.sees ?? initial;
        const seen = current > 1 && before ? before.sees : initial;
        renderView(views.a, scenario.table.columns, sees.a, seen.a);
        renderView(views.b, scenario.table.columns, sees.b, seen.b);
        previous.disabled = current === 0;
        next.disabled = current === total;
        status.textContent = step
          ? [
              `Step ${current} of ${total}.`,
              describeCell('A', step.a),
              describeCell('B', step.b),
              step.note,
            ]
              .filter(Boolean)
              .join(' ')
          : `Before step 1 of ${total}: both sessions are idle. Press Next to run the first statement.`;
      };

      previous.addEventListener('click', () => {
        current = Math.max(0, current - 1);
        render();
      });
      next.addEventListener('click', () => {
        current = Math.min(total, current + 1);
        render();
      });
      restart.addEventListener('click', () => {
        current = 0;
        render();
        next.focus();
      });
      this.querySelector<HTMLElement>('[data-controls]')!.hidden = false;
      this.querySelector<HTMLElement>('[data-views]')!.hidden = false;
      render();
    }
  }
  customElements.define('interleaving-stepper', InterleavingStepper);
}

// In Node (the Astro build imports this module for its data) there is no DOM to define into.
if (typeof customElements !== 'undefined' && !customElements.get('interleaving-stepper')) {
  defineElement();
}

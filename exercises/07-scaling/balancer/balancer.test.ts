import { describe, expect, it } from 'vitest';
import { createBalancer, type Backend, type Balancer, type Strategy } from './balancer.ts';

const THREE: Backend[] = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];

const picks = (balancer: Balancer, count: number): string[] =>
  Array.from({ length: count }, () => balancer.acquire());

/** How many times each id occurs, in the order the backends are listed. */
function tally(ids: string[], backends: readonly Backend[]): Record<string, number> {
  const counts = Object.fromEntries(backends.map((backend) => [backend.id, 0]));
  for (const id of ids) counts[id] = (counts[id] ?? 0) + 1;
  return counts;
}

/** What calling `make` did: "returned", or the name of the error it threw. */
function outcome(make: () => unknown): string {
  try {
    make();
    return 'returned';
  } catch (error) {
    return error instanceof Error ? error.name : 'threw a non-Error';
  }
}

describe('round-robin', () => {
  it('cycles through the backends in list order, starting with the first', () => {
    expect(
      picks(createBalancer('round-robin', THREE), 7).join(' '),
      'round robin takes the backends in the order listed, then starts again from the first',
    ).toBe('a b c a b c a');
  });

  it('keeps its position per balancer, not per module', () => {
    const first = createBalancer('round-robin', THREE);
    const second = createBalancer('round-robin', [{ id: 'x' }, { id: 'y' }]);
    first.acquire();
    expect(
      [second.acquire(), first.acquire(), second.acquire(), first.acquire()].join(' '),
      "two balancers must not share one counter: keep the position inside createBalancer's " +
        'closure, not in a module-level variable',
    ).toBe('x b y c');
  });
});

describe('least-connections', () => {
  it('sends a new request to the backend with the fewest requests in flight', () => {
    const balancer = createBalancer('least-connections', THREE);
    expect(picks(balancer, 3).join(' '), 'three idle backends each take one').toBe('a b c');
    balancer.release('b');
    balancer.release('c');
    expect(
      balancer.acquire(),
      'a still has one request in flight; b and c have none: the next goes to b (a tie goes to ' +
        'the one listed first). Round robin, or counting requests ever sent, would say a',
    ).toBe('b');
    expect(balancer.acquire(), 'now a and b have one each, c none').toBe('c');
  });

  it('breaks a tie in favour of the backend listed first', () => {
    const balancer = createBalancer('least-connections', THREE);
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      const id = balancer.acquire();
      order.push(id);
      balancer.release(id);
    }
    expect(
      order.join(' '),
      'when every request finishes before the next arrives, every backend is idle each time, ' +
        'and the tie goes to the first listed',
    ).toBe('a a a a');
  });

  it('stops sending to a backend whose requests never finish', () => {
    const balancer = createBalancer('least-connections', THREE);
    const sent: string[] = [];
    for (let i = 0; i < 30; i++) {
      const id = balancer.acquire();
      sent.push(id);
      if (id !== 'a') balancer.release(id); // a is stuck: its requests never come back
    }
    expect(
      tally(sent, THREE).a,
      'a backend with a request stuck in flight has more connections than the idle ones, so ' +
        'it gets no more: count acquire() up and release() down per backend',
    ).toBe(1);
  });

  it('never counts a backend below zero when a request is released twice', () => {
    const balancer = createBalancer('least-connections', THREE);
    expect(picks(balancer, 3).join(' ')).toBe('a b c');
    balancer.release('a');
    balancer.release('a'); // a caller's bug: the same request released twice
    balancer.release('a');
    expect(
      picks(balancer, 3).join(' '),
      'a released twice must stay at 0 in flight, not -2, or it takes every request until it ' +
        'is "paid back": clamp the count at 0',
    ).toBe('a a b');
  });

  it('throws a RangeError for release() of a backend it does not know', () => {
    const balancer = createBalancer('least-connections', THREE);
    balancer.acquire();
    expect(
      outcome(() => balancer.release('z')),
      'releasing an id that is not in the list is a bug in the caller: throw a RangeError',
    ).toBe('RangeError');
    expect(balancer.acquire(), 'and the balancer keeps working after it').toBe('b');
  });
});

describe('weighted', () => {
  const backends: Backend[] = [
    { id: 'big', weight: 5 },
    { id: 'small', weight: 1 },
    { id: 'medium', weight: 2 },
  ];

  it('picks each backend exactly weight times in every run of W picks', () => {
    const balancer = createBalancer('weighted', backends);
    const sent = picks(balancer, 8 * 4);
    for (let start = 0; start + 8 <= sent.length; start++) {
      expect(
        tally(sent.slice(start, start + 8), backends),
        `picks ${start + 1} to ${start + 8}: in any 8 consecutive picks (the sum of the ` +
          'weights) each backend appears exactly weight times',
      ).toEqual({ big: 5, small: 1, medium: 2 });
    }
  });

  it('spreads a heavy backend out instead of sending it a burst', () => {
    const balancer = createBalancer('weighted', backends);
    const counts: Record<string, number> = { big: 0, small: 0, medium: 0 };
    for (let k = 1; k <= 24; k++) {
      counts[balancer.acquire()]! += 1;
      for (const { id, weight = 1 } of backends) {
        const share = (k * weight) / 8;
        expect(
          Math.abs(counts[id]! - share),
          `after ${k} picks ${id} (weight ${weight}) has been picked ${counts[id]} times, more ` +
            `than one away from its share ${share}: five 'big' in a row is a burst; smooth ` +
            'weighted round robin interleaves them',
        ).toBeLessThanOrEqual(1);
      }
    }
  });

  it('never picks a weight of 0 and counts a missing weight as 1', () => {
    const list: Backend[] = [{ id: 'off', weight: 0 }, { id: 'one' }, { id: 'two', weight: 2 }];
    const balancer = createBalancer('weighted', list);
    expect(
      tally(picks(balancer, 30), list),
      'weight 0 means "send nothing" (a backend being drained); no weight means 1',
    ).toEqual({ off: 0, one: 10, two: 20 });
  });

  it('counts requests in flight like the other strategies', () => {
    const balancer = createBalancer('weighted', [{ id: 'a' }]);
    balancer.acquire();
    expect(
      outcome(() => balancer.release('a')),
      'release() of a known backend works whatever the strategy',
    ).toBe('returned');
  });
});

describe('createBalancer()', () => {
  const cases: Array<[string, Strategy, Backend[]]> = [
    ['an empty list', 'round-robin', []],
    ['a repeated id', 'least-connections', [{ id: 'a' }, { id: 'a' }]],
    [
      'a negative weight',
      'weighted',
      [
        { id: 'a', weight: -1 },
        { id: 'b', weight: 3 },
      ],
    ],
    ['a fractional weight', 'weighted', [{ id: 'a', weight: 1.5 }]],
    ['a weight that is NaN', 'weighted', [{ id: 'a', weight: Number.NaN }]],
    [
      'weights that are all 0',
      'weighted',
      [
        { id: 'a', weight: 0 },
        { id: 'b', weight: 0 },
      ],
    ],
  ];
  for (const [what, strategy, list] of cases) {
    it(`throws a RangeError for ${what}`, () => {
      expect(
        outcome(() => createBalancer(strategy, list)),
        `${what} cannot be balanced: throw a RangeError when the balancer is created, not ` +
          'an odd pick (or an endless loop) on the first request',
      ).toBe('RangeError');
    });
  }

  it('accepts weights of 0 wherever the strategy can still balance', () => {
    for (const strategy of ['round-robin', 'least-connections', 'weighted'] as const) {
      expect(
        outcome(() =>
          createBalancer(strategy, [
            { id: 'a', weight: 0 },
            { id: 'b', weight: 3 },
          ]),
        ),
        `${strategy}: a valid list must not be refused`,
      ).toBe('returned');
    }
    for (const strategy of ['round-robin', 'least-connections'] as const) {
      expect(
        outcome(() =>
          createBalancer(strategy, [
            { id: 'a', weight: 0 },
            { id: 'b', weight: 0 },
          ]),
        ),
        `${strategy} ignores weights, so weights that are all 0 only stop 'weighted'`,
      ).toBe('returned');
    }
  });
});

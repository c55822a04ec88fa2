import { describe, expect, it } from 'vitest';
import type { PoolOptions, WarmSandbox } from '../../src/runner/local/sandbox/pool.ts';
import { WarmPools, type Pool } from '../../src/runner/local/sandbox/warm-pools.ts';

/** A pool that hands out labelled sandboxes and says how many are waiting. */
function fakePool(options: PoolOptions, made: Array<{ options: PoolOptions; pool: FakePool }>) {
  const pool: FakePool = {
    warm: 0,
    size: options.size,
    taken: 0,
    take() {
      pool.taken += 1;
      return Promise.resolve({ base: options.database ? 'database' : 'plain' } as WarmSandbox);
    },
    close: () => Promise.resolve(),
  };
  made.push({ options, pool });
  return pool;
}
type FakePool = Pool & { warm: number; taken: number };

const options = {
  size: 2,
  agentFile: '/agent.ts',
  install: {} as PoolOptions['install'],
  limits: {} as PoolOptions['limits'],
  uids: undefined,
};

describe('WarmPools', () => {
  it('keeps no database sandbox until a database exercise is run', async () => {
    const made: Array<{ options: PoolOptions; pool: FakePool }> = [];
    const pools = new WarmPools(options, (o) => fakePool(o, made));
    expect((await pools.take(false)).base).toBe('plain');
    expect(made.map((m) => m.options.database ?? false)).toEqual([false]);
    expect(pools.status.target).toBe(2);
  });

  it('starts the database pool on the first database run, which does not wait for it', async () => {
    const made: Array<{ options: PoolOptions; pool: FakePool }> = [];
    const pools = new WarmPools(options, (o) => fakePool(o, made));
    // The database sandbox is still starting: the run takes a plain one rather than waiting.
    expect((await pools.take(true)).base).toBe('plain');
    expect(made[1]?.options).toMatchObject({ database: true, size: 1 });
    made[1]!.pool.warm = 1;
    made[0]!.pool.warm = 2;
    expect(pools.status).toEqual({ ready: 3, target: 3 });
    expect((await pools.take(true)).base).toBe('database');
    expect((await pools.take(false)).base, 'a plain exercise never takes a database one').toBe(
      'plain',
    );
    expect(made).toHaveLength(2);
  });
});

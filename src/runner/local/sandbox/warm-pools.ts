/**
 * The warm sandboxes a runner keeps: one pool for every exercise, and a second for database
 * exercises whose agents have also opened PostgreSQL (exercise-kit/db.js, preopenDatabase()).
 * Opening it costs seconds of CPU and a few hundred MB, so that pool is started by the first
 * database run, not before: a learner who never opens the database track never pays for it.
 */
import { SandboxPool, type PoolOptions, type WarmSandbox } from './pool.ts';

const DATABASE_POOL_SIZE = 1;

/** What WarmPools needs of a pool (SandboxPool; a fake in the unit tests). */
export type Pool = Pick<SandboxPool, 'take' | 'warm' | 'size' | 'close'>;

export class WarmPools {
  private readonly options: Omit<PoolOptions, 'database'>;
  private readonly create: (options: PoolOptions) => Pool;
  private readonly plain: Pool;
  private database: Pool | undefined;

  constructor(
    options: Omit<PoolOptions, 'database'>,
    create: (options: PoolOptions) => Pool = (o) => new SandboxPool(o),
  ) {
    this.options = options;
    this.create = create;
    this.plain = create(options);
  }

  /**
   * A warm sandbox for one run. A database run takes one with PostgreSQL open when there is one
   * waiting; otherwise any warm sandbox does (the tests then open the database themselves).
   */
  take(opensDatabase: boolean): Promise<WarmSandbox> {
    if (!opensDatabase) return this.plain.take();
    if (!this.database) {
      this.database = this.create({ ...this.options, size: DATABASE_POOL_SIZE, database: true });
    }
    return this.database.warm > 0 ? this.database.take() : this.plain.take();
  }

  /** Sandboxes waiting for a run, of how many are kept. */
  get status(): { ready: number; target: number } {
    const pools = [this.plain, ...(this.database ? [this.database] : [])];
    return {
      ready: pools.reduce((sum, pool) => sum + pool.warm, 0),
      target: pools.reduce((sum, pool) => sum + pool.size, 0),
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.plain.close(), this.database?.close()]);
  }
}

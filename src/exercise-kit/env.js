/**
 * Environment variables the runners set for the exercise kit. A module of its own, free of
 * dependencies, so that the runners can import the names without loading PGlite.
 */

/**
 * Set by the course check's batches only (runner/local/batch-runner.ts): many test files of
 * trusted course code run one after another in each worker, and opening PostgreSQL is most of
 * their time. There, a closed database is reset and handed to the next openDatabase() instead
 * of being thrown away. A learner's run always gets a fresh one.
 */
export const REUSE_DATABASES_ENV = 'WORKBENCH_REUSE_DATABASES';

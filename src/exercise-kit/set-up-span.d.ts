/**
 * Runs `work` as set-up: the runner's clock, which measures the learner's code against the
 * exercise's time limit, stops while it runs. For expensive preparation that is not the
 * learner's doing, where a test or an example cannot put it in a beforeAll hook.
 *
 *   import { setUpSpan } from '@workbench/exercise-kit/set-up';
 *   const db = await setUpSpan(() => openDatabase());
 *
 * openDatabase() from '@workbench/exercise-kit/db' already does this.
 */
export function setUpSpan<T>(work: () => Promise<T>): Promise<T>;

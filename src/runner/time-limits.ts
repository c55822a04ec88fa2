/**
 * How a run's time is budgeted, for every runner and the messages that explain a timeout.
 * Isomorphic. An exercise's own limit (timeLimitSeconds) is the learner's budget: the time from
 * the first test file's loading to the end, less what the exercise kit marks as set-up (see
 * local/learner-clock.ts). Starting Node and vitest and opening a database have a budget of
 * their own, generous because a busy machine stretches them and none of it is the learner's
 * doing.
 */
export const SETUP_LIMIT_SECONDS = 60;

/** Which budget ran out: the learner's, or the set-up's. */
export type TimeUp = 'learner' | 'setup';

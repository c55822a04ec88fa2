/**
 * The learner's "Run code" setting. A module of its own so that pages can show and change the
 * setting without loading the runners (which the page fetches only when something runs).
 */
export const runnerModes = ['auto', 'webcontainer', 'local'] as const;
export type RunnerMode = (typeof runnerModes)[number];

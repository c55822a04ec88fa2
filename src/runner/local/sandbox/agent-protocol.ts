/** What a warm sandbox's agent prints once vitest is loaded and it is waiting for its job. */
export const READY = '\u0000workbench-agent-ready';

/** Tells an agent to open the run's first database before it says it is ready. */
export const DATABASE_FLAG = '--database';

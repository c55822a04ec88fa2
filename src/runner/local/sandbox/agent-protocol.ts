/** What a warm sandbox's agent prints once vitest is loaded and it is waiting for its job. */
export const READY = '\u0000workbench-agent-ready';

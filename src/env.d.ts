/// <reference types="vite/client" />

/** The installed vitest's version, defined in astro.config.mjs. */
declare const __VITEST_VERSION__: string;

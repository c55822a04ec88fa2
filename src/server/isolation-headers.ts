/**
 * Headers that make every page cross-origin isolated (`crossOriginIsolated === true`), which
 * WebContainers need for SharedArrayBuffer. Sent by the production server (serve.ts) and the
 * dev server (astro.config.mjs) alike, and by static hosts through the files docs/deploy.md
 * describes. With `require-corp`, every subresource must be same-origin or opt in through
 * CORP/CORS: one more reason nothing is loaded from a CDN.
 */
export const crossOriginIsolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

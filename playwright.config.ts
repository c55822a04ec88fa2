import { defineConfig } from '@playwright/test';
import { requireChromium } from './test/e2e/chromium.ts';

const port = Number(process.env['E2E_PORT'] ?? 4399);
export const staticPort = port - 1;

// A Chromium from the npm registry or the system, not Playwright's download (a CDN, which
// closed networks cannot reach): see test/e2e/chromium.ts. The flags stop Chromium phoning
// home, which on a closed network floods the logs with refused connections.
const chromium = requireChromium();

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/e2e',
  timeout: 90_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${port}`,
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: chromium.executablePath,
      env: { ...process.env, ...chromium.env },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: [
    {
      command: 'node src/server/serve.ts',
      url: `http://localhost:${port}/`,
      env: { PORT: String(port) },
      reuseExistingServer: false,
      timeout: 60_000,
      // SIGTERM lets the server drain and remove its warm sandboxes' folders.
      gracefulShutdown: { signal: 'SIGTERM', timeout: 25_000 },
    },
    {
      // The same build on a static host: no runner API (see test/e2e/static-host.ts).
      command: 'node test/e2e/static-host.ts',
      url: `http://localhost:${staticPort}/`,
      env: { PORT: String(staticPort) },
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});

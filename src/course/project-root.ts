/**
 * Where exercises/ and solutions/ are read from. The production server sets WORKBENCH_ROOT
 * (the bundle lives in dist/, so its own location says nothing useful); `astro dev`, `astro
 * build` and the CLI run from the project root.
 */
export function projectRoot(): string {
  return process.env['WORKBENCH_ROOT'] ?? process.cwd();
}

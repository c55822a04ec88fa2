/**
 * The real grading CLI on fixture submissions laid out by outcome and cause
 * (test/fixtures/grading/<outcome>/<cause>/submission), compared with stored expected JSON.
 * Re-record an expectation after an intended change with UPDATE_EXPECTED=1.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradeReportSchema } from '../../src/grading/formats/exercism.ts';

const repo = resolve(import.meta.dirname, '..', '..');
const cli = join(repo, 'src', 'grading', 'cli.ts');
const course = join(repo, 'test', 'fixtures', 'course');
const fixtures = join(repo, 'test', 'fixtures', 'grading');

function grade(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const { GITHUB_ACTIONS: _ga, GITHUB_STEP_SUMMARY: _gss, ...base } = process.env;
  const run = spawnSync(process.execPath, [cli, 'grade', ...args], {
    cwd,
    env: { ...base, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const cases: Array<[string, number]> = [
  ['pass/all', 0],
  ['fail/assertion', 1],
  ['error/syntax', 1],
  ['error/timeout', 1],
  ['error/crash', 1],
  ['error/missing-file', 1],
  ['error/unexpected-file', 1],
  ['error/unknown-exercise', 1],
  ['partial-credit/weighted', 1],
];

describe('workbench grade --format json', () => {
  it.each(cases)('%s matches the stored report and exits %i', (name, exitCode) => {
    const dir = join(fixtures, name);
    const run = grade(['submission', '--root', course, '--format', 'json'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(exitCode);
    const report = JSON.parse(run.stdout) as unknown;
    expect(gradeReportSchema.safeParse(report).success).toBe(true);
    const expectedFile = join(dir, 'expected.json');
    if (process.env['UPDATE_EXPECTED']) {
      writeFileSync(expectedFile, `${JSON.stringify(report, null, 2)}\n`);
    }
    expect(report).toEqual(JSON.parse(readFileSync(expectedFile, 'utf8')));
  });
});

describe('workbench grade', () => {
  it('grades one exercise folder on its own', () => {
    const run = grade(
      ['submission/01-demo/greet', '--root', course],
      join(fixtures, 'partial-credit', 'weighted'),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/01-demo\/greet\s+1\/3\s+1\/6\s+fail/);
    expect(run.stdout).not.toContain('01-demo/sum');
  });

  it('grades only the requested exercises, and reports a requested one that is missing', () => {
    const run = grade(
      [
        'submission',
        '--root',
        course,
        '--exercise',
        '01-demo/greet',
        '--exercise',
        '01-demo/empty',
      ],
      join(fixtures, 'pass', 'all'),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/01-demo\/greet\s+3\/3/);
    expect(run.stdout).toContain('The folder submission/01-demo/empty is missing.');
  });

  it('writes JUnit to a file and annotates failures for GitHub Actions', () => {
    const dir = join(fixtures, 'fail', 'assertion');
    const scratch = mkdtempSync(join(tmpdir(), 'workbench-grade-test-'));
    const summary = join(scratch, 'step-summary.md');
    writeFileSync(summary, '');
    const out = join(scratch, 'junit.xml');
    const run = grade(['submission', '--root', course, '--format', 'junit', '--out', out], dir, {
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(run.code).toBe(1);
    expect(readFileSync(out, 'utf8')).toContain('<testsuite name="01-demo/sum"');
    expect(run.stdout).toMatch(/^::error file=submission\/01-demo\/sum\/sum\.ts.*::/m);
    expect(readFileSync(summary, 'utf8')).toContain('| 01-demo/sum |');
    rmSync(scratch, { recursive: true, force: true });
  });

  it.each([
    [['nowhere', '--root', course], 'Cannot read the submission folder'],
    [['submission', '--format', 'pdf'], 'Unknown format "pdf"'],
    [['submission', '--colour'], "Unknown option '--colour'"],
  ])('exits 2 on bad usage or unreadable input: %j', (args, message) => {
    const run = grade(args, join(fixtures, 'pass', 'all'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});

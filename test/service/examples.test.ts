/**
 * Every runnable example of every lesson, run the way a learner's Run example button runs it:
 * as a plain script in the local runner's sandbox (own uid, loopback only, read-only install,
 * resource limits). An example that only works on an author's machine (it needs a DNS name,
 * a writable folder outside /tmp, more time or memory than a run gets) fails here first.
 * Examples marked `chart` must also print a chart the page can draw.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChartOutput } from '../../src/components/charts/chart-spec.ts';
import { LocalRunner } from '../../src/runner/local/local-runner.ts';
import { probeSandbox } from '../../src/runner/local/sandbox/sandbox.ts';
import { repo } from './harness.ts';

interface Example {
  name: string;
  source: string;
  chart: boolean;
}

/** The ```ts runnable blocks of every lesson, named "<lesson file> #<n>". */
function examples(): Example[] {
  const found: Example[] = [];
  const lessons = join(repo, 'content', 'lessons');
  for (const track of readdirSync(lessons).sort()) {
    for (const file of readdirSync(join(lessons, track)).sort()) {
      const text = readFileSync(join(lessons, track, file), 'utf8');
      const blocks = text.matchAll(/^```ts ([^\n]*\brunnable\b[^\n]*)\n([\s\S]*?)^```$/gm);
      let n = 0;
      for (const [, meta, source] of blocks) {
        n += 1;
        found.push({
          name: `${track}/${file} #${n}`,
          source: source!,
          chart: /\bchart\b/.test(meta!),
        });
      }
    }
  }
  return found;
}

const runner = new LocalRunner({ courseRoot: repo, sandbox: probeSandbox() });

describe('runnable examples in the sandbox', () => {
  it('are found', () => {
    expect(runner.sandboxSupport?.available, 'bubblewrap must be installed').toBe(true);
    expect(examples().length).toBeGreaterThan(40);
  });

  it.each(examples())('$name', async ({ source, chart }) => {
    const result = await runner.runScript({ source });
    expect(result.status, `${result.message ?? ''}\n${result.output ?? ''}`).toBe('pass');
    expect(result.output ?? '', 'an example exists to print something').not.toBe('');
    if (chart) {
      const parsed = parseChartOutput(result.output ?? '');
      expect(parsed.ok ? 'a chart' : parsed.error, 'the chart line it printed').toBe('a chart');
    }
  });
});

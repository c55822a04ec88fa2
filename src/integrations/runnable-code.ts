/**
 * Marks fenced code blocks whose meta says `runnable` (```ts runnable) so the page can give
 * them a Run control (components/snippets/), and `chart` ones a chart of what they measured. A Shiki transformer, because Shiki is what turns
 * fenced code into HTML and the only place that still sees a block's meta.
 */
import type { ShikiTransformer } from 'shiki';

export function runnableCode(): ShikiTransformer {
  return {
    name: 'workbench:runnable-code',
    pre(node) {
      const meta = (this.options.meta?.__raw ?? '').split(/\s+/);
      if (meta.includes('runnable')) node.properties['data-runnable'] = '';
      // `chart`: the example prints a measured chart (components/charts/chart-spec.ts).
      if (meta.includes('runnable') && meta.includes('chart')) node.properties['data-chart'] = '';
    },
  };
}

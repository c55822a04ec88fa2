import { describe, expect, it } from 'vitest';
import { MAX_POINTS_PER_SERIES, parseChartOutput } from '../../src/components/charts/chart-spec.ts';

const chart = {
  title: 'Memory while reading',
  x: { label: 'ms' },
  y: { label: 'MB' },
  series: [
    {
      label: 'stream',
      points: [
        [0, 1],
        [10, 2],
      ],
    },
  ],
  thresholds: [{ label: 'highWaterMark', y: 16 }],
  events: [{ label: 'drain', x: [3, 7] }],
};

describe('parseChartOutput', () => {
  it('takes the chart line out of what the example printed and keeps the rest', () => {
    const parsed = parseChartOutput(`before\n${JSON.stringify({ chart })}\nafter`);
    expect(parsed).toEqual({ ok: true, chart, rest: 'before\nafter' });
  });

  it('says there is no chart when no line starts with {"chart"', () => {
    expect(parseChartOutput('just text')).toEqual({
      ok: false,
      error: undefined,
      rest: 'just text',
    });
  });

  it.each([
    [{ ...chart, title: 3 }, /title/],
    [{ ...chart, series: [] }, /non-empty "series"/],
    [{ ...chart, x: {} }, /"x" needs a "label"/],
    [{ ...chart, series: [{ label: 's', points: [[0, 'a']] }] }, /points\[0\].*finite/],
    [{ ...chart, series: [{ label: 's', points: [[0, 1]], kind: 'bar' }] }, /kind/],
    [{ ...chart, thresholds: [{ label: 'hwm' }] }, /thresholds\[0\]/],
    [{ ...chart, events: [{ label: 'drain', x: ['1'] }] }, /events\[0\]/],
    [
      {
        ...chart,
        series: [
          {
            label: 's',
            points: Array.from({ length: MAX_POINTS_PER_SERIES + 1 }, (_, i) => [i, i]),
          },
        ],
      },
      /sample less often/,
    ],
  ])('explains what is wrong with a malformed chart (%#)', (bad, message) => {
    const parsed = parseChartOutput(JSON.stringify({ chart: bad }));
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.error).toMatch(message);
  });

  it('reports a chart line that is not JSON instead of ignoring it', () => {
    const parsed = parseChartOutput('{"chart": {');
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? undefined : parsed.error).toBeTypeOf('string');
  });
});

/**
 * The chart an example can draw: a runnable example marked `chart` (```ts runnable chart)
 * prints one line of JSON, `{"chart": {...}}`, with what it measured, and the page draws it
 * (chart-view.ts). The numbers come from the run the learner just made on their own runner,
 * never from a recording. Isomorphic; validated by hand to keep zod out of the page bundle.
 */

export interface ChartSeries {
  label: string;
  /** [x, y] pairs in x order. */
  points: Array<[number, number]>;
  /** line (default), step (a value that holds until the next sample) or points alone. */
  kind?: 'line' | 'step' | 'points';
}

export interface ChartSpec {
  title: string;
  x: { label: string; log?: boolean };
  y: { label: string; log?: boolean };
  series: ChartSeries[];
  /** Horizontal reference lines, such as a highWaterMark. */
  thresholds?: Array<{ label: string; y: number }>;
  /** Moments to mark on the x axis, such as 'drain' events. */
  events?: Array<{ label: string; x: number[] }>;
}

export const MAX_POINTS_PER_SERIES = 400;

export type ChartParse =
  | { ok: true; chart: ChartSpec; rest: string }
  | { ok: false; error: string; rest: string }
  | { ok: false; error: undefined; rest: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function axis(value: unknown, name: string): ChartSpec['x'] {
  if (!isObject(value) || typeof value['label'] !== 'string') {
    throw new Error(`"${name}" needs a "label" string.`);
  }
  return { label: value['label'], ...(value['log'] === true ? { log: true } : {}) };
}

function validate(value: unknown): ChartSpec {
  if (!isObject(value)) throw new Error('"chart" must be an object.');
  if (typeof value['title'] !== 'string') throw new Error('The chart needs a "title" string.');
  if (!Array.isArray(value['series']) || value['series'].length === 0) {
    throw new Error('The chart needs a non-empty "series" array.');
  }
  const series = value['series'].map((s: unknown, i): ChartSeries => {
    if (!isObject(s) || typeof s['label'] !== 'string' || !Array.isArray(s['points'])) {
      throw new Error(`series[${i}] needs a "label" and a "points" array.`);
    }
    if (s['points'].length > MAX_POINTS_PER_SERIES) {
      throw new Error(
        `series[${i}] has ${s['points'].length} points; keep it to ${MAX_POINTS_PER_SERIES} (sample less often).`,
      );
    }
    const points = s['points'].map((p: unknown, j): [number, number] => {
      if (!Array.isArray(p) || p.length !== 2 || !finite(p[0]) || !finite(p[1])) {
        throw new Error(`series[${i}].points[${j}] must be [x, y] with two finite numbers.`);
      }
      return [p[0], p[1]];
    });
    const kind = s['kind'];
    if (kind !== undefined && kind !== 'line' && kind !== 'step' && kind !== 'points') {
      throw new Error(`series[${i}].kind must be "line", "step" or "points".`);
    }
    return { label: s['label'], points, ...(kind ? { kind } : {}) };
  });
  const thresholds = value['thresholds'];
  const events = value['events'];
  return {
    title: value['title'],
    x: axis(value['x'], 'x'),
    y: axis(value['y'], 'y'),
    series,
    ...(Array.isArray(thresholds)
      ? {
          thresholds: thresholds.map((t: unknown, i) => {
            if (!isObject(t) || typeof t['label'] !== 'string' || !finite(t['y'])) {
              throw new Error(`thresholds[${i}] needs a "label" and a finite "y".`);
            }
            return { label: t['label'], y: t['y'] };
          }),
        }
      : {}),
    ...(Array.isArray(events)
      ? {
          events: events.map((e: unknown, i) => {
            if (
              !isObject(e) ||
              typeof e['label'] !== 'string' ||
              !Array.isArray(e['x']) ||
              !e['x'].every(finite)
            ) {
              throw new Error(`events[${i}] needs a "label" and an "x" array of numbers.`);
            }
            return { label: e['label'], x: e['x'] as number[] };
          }),
        }
      : {}),
  };
}

/**
 * Finds the chart line in what an example printed. `rest` is everything else it printed, for
 * the output panel. A line that looks like a chart but is malformed gives an error that says
 * what to fix, so an author sees the mistake instead of an empty chart.
 */
export function parseChartOutput(output: string): ChartParse {
  const lines = output.split('\n');
  const index = lines.findIndex((line) => line.startsWith('{"chart"'));
  if (index === -1) return { ok: false, error: undefined, rest: output };
  const rest = [...lines.slice(0, index), ...lines.slice(index + 1)].join('\n');
  try {
    const parsed: unknown = JSON.parse(lines[index]!);
    return { ok: true, chart: validate((parsed as { chart: unknown }).chart), rest };
  } catch (error) {
    return { ok: false, error: (error as Error).message, rest };
  }
}

/**
 * Draws a ChartSpec (chart-spec.ts) with Chart.js. Loaded on demand, the first time an
 * example with a chart finishes, so pages without one never download the library. Only the
 * Chart.js pieces used here are registered, which keeps the chunk near 60 KB gzipped.
 *
 * Every chart also gets a text alternative: a one-line summary on the canvas (role="img") and
 * the full data as a table in a <details>, for screen readers and for anyone who wants the
 * numbers.
 */
import {
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartDataset,
} from 'chart.js';
import type { ChartSpec } from './chart-spec.ts';

Chart.register(
  LineController,
  ScatterController,
  LineElement,
  PointElement,
  LinearScale,
  LogarithmicScale,
  Legend,
  Tooltip,
);

/** Distinguishable in light and dark themes, and for the common colour-vision deficiencies. */
const PALETTE = ['#0b6bcb', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9'];
const DASHES = [[], [6, 4], [2, 3], [8, 3, 2, 3]];

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

const round = (n: number): string =>
  Math.abs(n) >= 100 ? String(Math.round(n)) : String(Math.round(n * 100) / 100);

/** "readFile: peak 52 MB at 120 ms; stream: peak 4 MB at 30 ms." */
export function summarize(spec: ChartSpec): string {
  const parts = spec.series.map((s) => {
    if (s.points.length === 0) return `${s.label}: no samples`;
    const peak = s.points.reduce((a, b) => (b[1] > a[1] ? b : a));
    return `${s.label}: ${s.points.length} samples, highest ${round(peak[1])} ${spec.y.label} at ${round(peak[0])} ${spec.x.label}`;
  });
  const events = (spec.events ?? []).map((e) => `${e.x.length} ${e.label} event(s)`);
  const thresholds = (spec.thresholds ?? []).map((t) => `${t.label} at ${round(t.y)}`);
  return `${spec.title}. ${[...parts, ...thresholds, ...events].join('; ')}.`;
}

function dataTable(spec: ChartSpec): HTMLDetailsElement {
  const details = document.createElement('details');
  details.className = 'chart-data';
  const summary = document.createElement('summary');
  summary.textContent = 'The measurements as a table';
  const table = document.createElement('table');
  const caption = table.createCaption();
  caption.textContent = spec.title;
  const head = table.createTHead().insertRow();
  for (const text of ['Series', spec.x.label, spec.y.label]) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = text;
    head.append(th);
  }
  const body = table.createTBody();
  for (const s of spec.series) {
    for (const [x, y] of s.points) {
      const row = body.insertRow();
      row.insertCell().textContent = s.label;
      row.insertCell().textContent = round(x);
      row.insertCell().textContent = round(y);
    }
  }
  for (const t of spec.thresholds ?? []) {
    const row = body.insertRow();
    row.insertCell().textContent = t.label;
    row.insertCell().textContent = 'all';
    row.insertCell().textContent = round(t.y);
  }
  for (const e of spec.events ?? []) {
    for (const x of e.x) {
      const row = body.insertRow();
      row.insertCell().textContent = e.label;
      row.insertCell().textContent = round(x);
      row.insertCell().textContent = '';
    }
  }
  // The table scrolls within a fixed height, so keyboard users must be able to focus it.
  const scroller = document.createElement('div');
  scroller.className = 'chart-data-scroll';
  scroller.tabIndex = 0;
  scroller.setAttribute('role', 'region');
  scroller.setAttribute('aria-label', `Measurements: ${spec.title}`);
  scroller.append(table);
  details.append(summary, scroller);
  return details;
}

function datasets(
  spec: ChartSpec,
): ChartDataset<'line' | 'scatter', Array<{ x: number; y: number }>>[] {
  const xs = spec.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = spec.series.flatMap((s) => s.points.map((p) => p[1]));
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  // Event markers sit at the bottom of the plot: 0 on a linear axis, the smallest value on a
  // logarithmic one (where 0 does not exist and would stretch the axis to nothing).
  const yMin = spec.y.log ? Math.min(...ys.filter((y) => y > 0)) : Math.min(0, ...ys);
  const out: ChartDataset<'line' | 'scatter', Array<{ x: number; y: number }>>[] = [];
  spec.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    out.push({
      type: s.kind === 'points' ? 'scatter' : 'line',
      label: s.label,
      data: s.points.map(([x, y]) => ({ x, y })),
      borderColor: color,
      backgroundColor: color,
      borderDash: DASHES[i % DASHES.length]!,
      borderWidth: 2,
      pointRadius: s.kind === 'points' ? 3 : 0,
      stepped: s.kind === 'step' ? 'before' : false,
    });
  });
  const muted = cssVar('--text-muted', '#57606a');
  for (const t of spec.thresholds ?? []) {
    out.push({
      type: 'line',
      label: t.label,
      data: [
        { x: xMin, y: t.y },
        { x: xMax, y: t.y },
      ],
      borderColor: muted,
      backgroundColor: muted,
      borderDash: [4, 4],
      borderWidth: 1.5,
      pointRadius: 0,
    });
  }
  (spec.events ?? []).forEach((e, i) => {
    const color = PALETTE[(spec.series.length + i) % PALETTE.length]!;
    out.push({
      type: 'scatter',
      label: e.label,
      // Events sit on the x axis: when something happened matters, not a value.
      data: e.x.map((x) => ({ x, y: yMin })),
      borderColor: color,
      backgroundColor: color,
      pointStyle: 'triangle',
      pointRadius: 6,
    });
  });
  return out;
}

/** Replaces what `host` shows with the chart and its text alternatives. */
export function renderChart(host: HTMLElement, spec: ChartSpec): Chart {
  host.replaceChildren();
  const figure = document.createElement('figure');
  figure.className = 'chart';
  const caption = document.createElement('figcaption');
  caption.textContent = spec.title;
  const frame = document.createElement('div');
  frame.className = 'chart-frame';
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', summarize(spec));
  frame.append(canvas);
  figure.append(caption, frame, dataTable(spec));
  host.append(figure);
  const text = cssVar('--text', '#1d1f23');
  const grid = cssVar('--border', '#d6d8dc');
  const reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  const scale = (axis: ChartSpec['x']) => ({
    type: axis.log ? ('logarithmic' as const) : ('linear' as const),
    title: { display: true, text: axis.label, color: text },
    ticks: { color: text },
    grid: { color: grid },
  });
  return new Chart(canvas, {
    type: 'line',
    data: { datasets: datasets(spec) },
    options: {
      parsing: false,
      animation: reduceMotion ? false : { duration: 300 },
      maintainAspectRatio: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: { x: scale(spec.x), y: scale(spec.y) },
      plugins: { legend: { labels: { color: text } } },
    },
  });
}

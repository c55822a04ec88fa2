import type { PanelHint } from './hint-progress.ts';

/** What Exercise.astro hands the browser: everything the panel needs, nothing secret. */
export interface ExercisePayload {
  id: string;
  title: string;
  timeLimitSeconds: number;
  /** In the exercise's order, each with the full names of the tests it helps with. */
  hints: PanelHint[];
  /** Editable files first (in exercise.json order), then the tests, then support files. */
  files: Array<{
    name: string;
    content: string;
    editable: boolean;
    role: 'starter' | 'test' | 'support';
  }>;
}

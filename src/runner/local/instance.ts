/** The one LocalRunner a server process uses, created on first use. */
import { projectRoot } from '../../course/project-root.ts';
import { LocalRunner } from './local-runner.ts';

let runner: LocalRunner | undefined;

export function localRunner(): LocalRunner {
  runner ??= new LocalRunner({ courseRoot: projectRoot() });
  return runner;
}

/**
 * Reads lesson files the way the course check needs them: which exercises a lesson declares in
 * its frontmatter and which it embeds with <Exercise id="..." />, and its quizzes
 * (quizzes.ts), with line numbers for reports.
 * (The site itself reads lessons through Astro's content collection; this is for the CLI,
 * which runs without Astro.)
 */
import { readFile, readdir } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readQuizzes, type LessonQuizzes } from './quizzes.ts';

export interface LessonExerciseRefs {
  /** Path relative to the project root. */
  file: string;
  declared: string[];
  embedded: Array<{ id: string; line: number }>;
  /** The lesson's own address, `/learn/<track>/<slug>/`, as the site builds it. */
  url: string;
  /** Markdown links to other pages of the site (`../slug/`, `/learn/...`), without their #part. */
  links: Array<{ href: string; line: number }>;
}

const EMBED = /<Exercise\s+id=["']([^"']+)["']/g;
/** `](../slug/)`, `](/learn/track/slug/#part)`: links within the site, not to other sites. */
const SITE_LINK = /\]\(((?:\.\.?\/|\/)[^)\s#]*)(?:#[^)\s]*)?\)/g;

/** Absolute paths of every lesson file. */
async function lessonPaths(root: string): Promise<string[]> {
  const dir = join(root, 'content', 'lessons');
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.mdx'))
    .map((e) => join(e.parentPath, e.name));
}

export async function readLessonRefs(root: string): Promise<LessonExerciseRefs[]> {
  const lessons: LessonExerciseRefs[] = [];
  for (const path of await lessonPaths(root)) {
    const text = await readFile(path, 'utf8');
    const frontmatter = /^---\n([\s\S]*?)\n---/.exec(text)?.[1] ?? '';
    let declared: string[] = [];
    // The folder is the track unless the frontmatter says otherwise, as for the site's URLs
    // (course/course.ts): `/learn/<track>/<file name without its order prefix>/`.
    let track = relative(join(root, 'content', 'lessons'), path).split(sep)[0] ?? '';
    try {
      const data = parseYaml(frontmatter) as { exercises?: unknown; track?: unknown } | null;
      if (Array.isArray(data?.exercises)) declared = data.exercises.map(String);
      if (typeof data?.track === 'string') track = data.track;
    } catch {
      // A broken frontmatter fails the site build with a better message than we could give.
    }
    const embedded = [...text.matchAll(EMBED)].map((match) => ({
      id: match[1] ?? '',
      line: text.slice(0, match.index).split('\n').length,
    }));
    const links = [...text.matchAll(SITE_LINK)].map((match) => ({
      href: match[1] ?? '',
      line: text.slice(0, match.index).split('\n').length,
    }));
    const slug = basename(path, '.mdx').replace(/^\d+-/, '');
    lessons.push({
      file: relative(root, path),
      declared,
      embedded,
      url: `/learn/${track}/${slug}/`,
      links,
    });
  }
  return lessons.sort((a, b) => a.file.localeCompare(b.file));
}

export interface LessonQuizRefs extends LessonQuizzes {
  /** Path relative to the project root. */
  file: string;
}

/** The quizzes of every lesson, validated (quizzes.ts), sorted by file. */
export async function readLessonQuizzes(root: string): Promise<LessonQuizRefs[]> {
  const lessons: LessonQuizRefs[] = [];
  for (const path of await lessonPaths(root)) {
    lessons.push({ file: relative(root, path), ...readQuizzes(await readFile(path, 'utf8')) });
  }
  return lessons.sort((a, b) => a.file.localeCompare(b.file));
}

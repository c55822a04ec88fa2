/**
 * The course as pages see it: tracks in order, each with its lessons in order, and the URL of
 * every lesson. Runs at build time only (astro:content).
 */
import { getCollection, type CollectionEntry } from 'astro:content';

export type Lesson = CollectionEntry<'lessons'>;
export type TrackEntry = CollectionEntry<'tracks'>;

export interface TrackWithLessons {
  track: TrackEntry['data'];
  lessons: Lesson[];
}

/** `04-streams/04-transform-streams` → `transform-streams`: the order prefix is not in URLs. */
export function lessonSlug(lesson: Lesson): string {
  const file = lesson.id.split('/').pop() ?? lesson.id;
  return file.replace(/^\d+-/, '');
}

export function lessonHref(lesson: Lesson): string {
  return `${import.meta.env.BASE_URL.replace(/\/$/, '')}/learn/${lesson.data.track}/${lessonSlug(lesson)}/`;
}

export async function loadCourse(): Promise<TrackWithLessons[]> {
  const [tracks, lessons] = await Promise.all([getCollection('tracks'), getCollection('lessons')]);
  const trackIds = new Set(tracks.map((t) => t.data.id));
  for (const lesson of lessons) {
    if (!trackIds.has(lesson.data.track)) {
      throw new Error(
        `content/lessons/${lesson.id}.mdx: track "${lesson.data.track}" is not in content/tracks.json. ` +
          `Use one of: ${[...trackIds].join(', ')}.`,
      );
    }
  }
  return tracks
    .map((t) => t.data)
    .sort((a, b) => a.number - b.number)
    .map((track) => ({
      track,
      lessons: lessons
        .filter((l) => l.data.track === track.id)
        .sort((a, b) => a.data.order - b.data.order),
    }));
}

/** Every lesson in reading order, for previous/next links. */
export async function lessonsInOrder(): Promise<Lesson[]> {
  return (await loadCourse()).flatMap((t) => t.lessons);
}

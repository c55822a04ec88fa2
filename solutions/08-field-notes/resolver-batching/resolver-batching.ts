/**
 * The resolvers of the blog's home page: ten posts, each with its author and its comments,
 * each comment with its author. They give the right page, but each resolver sends its own
 * query, so one request sends 1 + 10 + 10 + one per comment: 221 for 200 comments.
 *
 * Make it one query per level of the tree, whatever the number of posts and comments:
 * - every user the same tick asks for comes from one usersByIds() call, and every post's
 *   comments from one commentsByPostIds() call;
 * - rows come back in no particular order and leave out missing ids: give each caller the row
 *   with its own id, a missing user is null, a post without comments gets [];
 * - a user already fetched in this request is not fetched again, and no id is sent twice;
 * - the page stays exactly what it was, comments oldest first;
 * - nothing is shared between requests: a user renamed between two requests shows with the
 *   new name in the second.
 */
import type { Comment, Db, User } from './blog-db.ts';
import type { Resolvers } from './executor.ts';

/**
 * Collects the keys asked for during one tick and fetches them with one call. `fetch` answers
 * with a Map from key to value; a key it leaves out gets `missing`. Every key's promise is
 * kept, so a key asked for again later in the request is answered without a query.
 */
function createLoader<K, V>(
  fetch: (keys: K[]) => Promise<Map<K, V>>,
  missing: V,
): (key: K) => Promise<V> {
  const cache = new Map<K, Promise<V>>();
  let batch: Array<{ key: K; resolve: (value: V) => void; reject: (error: unknown) => void }> = [];

  function dispatch(): void {
    const waiting = batch;
    batch = [];
    fetch(waiting.map(({ key }) => key)).then(
      (found) => {
        // By key, never by position: the rows come back in the database's order.
        for (const { key, resolve } of waiting) resolve(found.has(key) ? found.get(key)! : missing);
      },
      (error: unknown) => {
        // Every caller of the batch hears of the failure; one left waiting would hold its
        // request open forever. The cache dies with the request, so nothing stale is kept.
        for (const { reject } of waiting) reject(error);
      },
    );
  }

  return (key) => {
    const known = cache.get(key);
    if (known !== undefined) return known;
    // nextTick, not a microtask: it runs after the promise callbacks already queued, so every
    // sibling resolver of this level has asked before the batch leaves.
    if (batch.length === 0) process.nextTick(dispatch);
    const promise = new Promise<V>((resolve, reject) => batch.push({ key, resolve, reject }));
    cache.set(key, promise);
    return promise;
  };
}

/** What the resolvers of one request share: its loaders, and so its cache. */
export interface Context {
  db: Db;
  userById: (id: number) => Promise<User | null>;
  commentsByPostId: (postId: number) => Promise<Comment[]>;
}

/**
 * Called by the executor once per request. The loaders are made here, not at module level:
 * their cache holds rows as this request saw them, and must die with it, or the next request,
 * perhaps another user's, is served yesterday's names.
 */
export function createContext(db: Db): Context {
  return {
    db,
    userById: createLoader<number, User | null>(async (ids) => {
      const users = await db.usersByIds(ids);
      return new Map(users.map((user) => [user.id, user]));
    }, null),
    commentsByPostId: createLoader<number, Comment[]>(async (postIds) => {
      // Rows arrive oldest first for all posts together; grouping keeps that order per post.
      const comments = await db.commentsByPostIds(postIds);
      return Map.groupBy(comments, (comment) => comment.postId);
    }, []),
  };
}

export const resolvers: Resolvers<Context> = {
  Query: {
    posts: ({ first }, { db }) => db.latestPosts(first),
  },
  Post: {
    author: (post, context) => context.userById(post.authorId),
    comments: (post, context) => context.commentsByPostId(post.id),
  },
  Comment: {
    author: (comment, context) => context.userById(comment.authorId),
  },
};

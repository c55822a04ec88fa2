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

/** What the resolvers of one request share. */
export interface Context {
  db: Db;
}

/** Called by the executor once per request. */
export function createContext(db: Db): Context {
  // TODO: the resolvers below each send their own query. What could they share, per request?
  return { db };
}

export const resolvers: Resolvers<Context> = {
  Query: {
    posts: ({ first }, { db }) => db.latestPosts(first),
  },
  Post: {
    // TODO: one query per post, and another one per post below.
    author: (post, { db }): Promise<User | null> => db.userById(post.authorId),
    comments: (post, { db }): Promise<Comment[]> => db.commentsByPostId(post.id),
  },
  Comment: {
    // TODO: one query per comment.
    author: (comment, { db }): Promise<User | null> => db.userById(comment.authorId),
  },
};

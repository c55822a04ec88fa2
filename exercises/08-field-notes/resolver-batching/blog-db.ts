/**
 * A blog's database without a database: four tables in memory, and a log of every query sent,
 * so a test can count round trips exactly. Each method stands for one SQL statement and costs
 * one round trip, however many rows it returns.
 */

export interface User {
  id: number;
  name: string;
}

export interface Post {
  id: number;
  authorId: number;
  title: string;
}

export interface Comment {
  id: number;
  postId: number;
  /** May name a user who has since been deleted. */
  authorId: number;
  body: string;
}

/** What the resolvers may ask the database. */
export interface Db {
  /** `SELECT * FROM posts ORDER BY id DESC LIMIT $1`: the newest posts first. */
  latestPosts(limit: number): Promise<Post[]>;
  /** `SELECT * FROM users WHERE id = $1`: the user, or null if there is none. */
  userById(id: number): Promise<User | null>;
  /**
   * `SELECT * FROM users WHERE id = ANY($1)`: one round trip for many ids. Like a real
   * database, it returns the rows in no particular order, one per user found: ids that match
   * no user are simply left out.
   */
  usersByIds(ids: readonly number[]): Promise<User[]>;
  /** `SELECT * FROM comments WHERE post_id = $1 ORDER BY id`. */
  commentsByPostId(postId: number): Promise<Comment[]>;
  /**
   * `SELECT * FROM comments WHERE post_id = ANY($1) ORDER BY id`: the comments of many posts
   * in one round trip, oldest first, the posts' comments mixed together.
   */
  commentsByPostIds(postIds: readonly number[]): Promise<Comment[]>;
}

export interface LoggedQuery {
  method: keyof Db;
  /** The argument as sent: a limit, an id, or a copy of the array of ids. */
  arg: number | number[];
}

export interface BlogDb extends Db {
  /** Every query sent so far, in order. */
  readonly log: LoggedQuery[];
  /** Changes a user's name, as another request's UPDATE would. */
  rename(userId: number, name: string): void;
}

export interface BlogData {
  users: User[];
  posts: Post[];
  comments: Comment[];
}

/**
 * Opens the in-memory database. Results are copies, and each query answers a microtask
 * later, so a caller cannot tell it from a real driver by timing or by mutating rows.
 */
export function createBlogDb(data: BlogData): BlogDb {
  const users = new Map(data.users.map((user) => [user.id, { ...user }]));
  const log: LoggedQuery[] = [];
  let shuffles = 0;

  function answer<T>(method: keyof Db, arg: number | readonly number[], rows: T): Promise<T> {
    log.push({ method, arg: typeof arg === 'number' ? arg : [...arg] });
    return Promise.resolve(structuredClone(rows));
  }

  /** A deterministic scramble that differs from call to call, as a real planner's may. */
  function shuffled(rows: User[]): User[] {
    shuffles++;
    const rank = (user: User): number => (user.id * 7_919 + shuffles * 104_729) % 1_009;
    return rows.sort((a, b) => rank(a) - rank(b));
  }

  const byId = (a: { id: number }, b: { id: number }): number => a.id - b.id;

  return {
    log,
    rename(userId, name) {
      const user = users.get(userId);
      if (user === undefined) throw new Error(`rename(): no user ${userId}`);
      user.name = name;
    },
    latestPosts(limit) {
      const newest = [...data.posts].sort((a, b) => b.id - a.id).slice(0, limit);
      return answer('latestPosts', limit, newest);
    },
    userById(id) {
      return answer('userById', id, users.get(id) ?? null);
    },
    usersByIds(ids) {
      const found = [...users.values()].filter((user) => ids.includes(user.id));
      return answer('usersByIds', ids, shuffled(found));
    },
    commentsByPostId(postId) {
      const rows = data.comments.filter((comment) => comment.postId === postId).sort(byId);
      return answer('commentsByPostId', postId, rows);
    },
    commentsByPostIds(postIds) {
      const rows = data.comments.filter((comment) => postIds.includes(comment.postId));
      return answer('commentsByPostIds', postIds, rows.sort(byId));
    },
  };
}

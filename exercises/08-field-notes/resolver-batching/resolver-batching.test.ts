import { describe, expect, it } from 'vitest';
import { createBlogDb, type BlogData, type BlogDb, type Db, type User } from './blog-db.ts';
import { execute, type AuthorView, type HomePage } from './executor.ts';
import { createContext, resolvers } from './resolver-batching.ts';

const schema = { createContext, resolvers };

/** A comment author's id that matches no user: the account was deleted. */
const DELETED_USER = 999;

/**
 * A blog with `posts` posts. Post ids, user ids and comment ids are far apart, so one mixed up
 * with another shows. Posts share authors, comment authors repeat and include the post authors,
 * every seventh comment is by a deleted user, every fourth post has no comments, and comment
 * ids interleave across posts, so the comments of one post are not next to each other.
 */
function blog(posts: number, commentsPerPost: number, userCount = 12): BlogData {
  const users: User[] = Array.from({ length: userCount }, (_, i) => ({
    id: 101 + i,
    name: `user ${101 + i}`,
  }));
  const userAt = (i: number): number => users[i % userCount]!.id;
  const data: BlogData = { users, posts: [], comments: [] };
  for (let k = 0; k < posts; k++) {
    const postId = 10 * k + 3;
    data.posts.push({ id: postId, authorId: userAt(5 * k), title: `post ${postId}` });
    if (k % 4 === 3) continue;
    for (let j = 0; j < commentsPerPost; j++) {
      const id = 5_000 + j * posts + k;
      const authorId = id % 7 === 0 ? DELETED_USER : userAt(3 * k + 5 * j);
      data.comments.push({ id, postId, authorId, body: `comment ${id}` });
    }
  }
  return data;
}

/** The page as the one-query-per-row resolvers render it: the output must not change. */
function expectedPage(data: BlogData, first = 10): HomePage {
  const author = (id: number): AuthorView | null => {
    const user = data.users.find((candidate) => candidate.id === id);
    return user === undefined ? null : { id: user.id, name: user.name };
  };
  const posts = [...data.posts].sort((a, b) => b.id - a.id).slice(0, first);
  return {
    posts: posts.map((post) => ({
      id: post.id,
      title: post.title,
      author: author(post.authorId),
      comments: data.comments
        .filter((comment) => comment.postId === post.id)
        .sort((a, b) => a.id - b.id)
        .map((comment) => ({
          id: comment.id,
          body: comment.body,
          author: author(comment.authorId),
        })),
    })),
  };
}

/** The first place two pages differ, in one line. */
function firstDifference(actual: HomePage, expected: HomePage): string {
  for (let i = 0; i < Math.max(actual.posts.length, expected.posts.length); i++) {
    const [a, e] = [actual.posts[i], expected.posts[i]];
    if (JSON.stringify(a?.author) !== JSON.stringify(e?.author) || a?.id !== e?.id) {
      return `post ${i}: ${JSON.stringify(a && { id: a.id, author: a.author })} instead of ${JSON.stringify(e && { id: e.id, author: e.author })}`;
    }
    for (let j = 0; j < Math.max(a?.comments.length ?? 0, e?.comments.length ?? 0); j++) {
      const [ac, ec] = [a?.comments[j], e?.comments[j]];
      if (JSON.stringify(ac) !== JSON.stringify(ec)) {
        return `post ${e?.id}, comment ${j}: ${JSON.stringify(ac)} instead of ${JSON.stringify(ec)}`;
      }
    }
  }
  return 'none';
}

function queries(db: BlogDb): string {
  const counts = new Map<string, number>();
  for (const { method } of db.log) counts.set(method, (counts.get(method) ?? 0) + 1);
  return [...counts].map(([method, count]) => `${count} × ${method}()`).join(', ');
}

/** Every user id the request sent to the database, in every query, repeats included. */
function userIdsSent(db: BlogDb): number[] {
  return db.log.flatMap(({ method, arg }) =>
    method === 'userById' || method === 'usersByIds' ? [arg].flat() : [],
  );
}

describe('home page resolvers', () => {
  it('render the same page as the one-query-per-row resolvers', async () => {
    const data = blog(10, 20);
    const page = await execute(createBlogDb(data), schema);
    const expected = expectedPage(data);
    expect(
      page,
      `the page changed, first at ${firstDifference(page, expected)}. Batched rows come back in ` +
        'no particular order: give each caller the row whose id is its key, not the row at its ' +
        'position, and keep each post’s comments oldest first',
    ).toStrictEqual(expected);
  });

  it('send 4 queries for 10 posts and their 160 comments, not 181', async () => {
    const db = createBlogDb(blog(10, 20));
    await execute(db, schema);
    expect(
      db.log.length,
      `one request sent ${db.log.length} queries (${queries(db)}). One per level is the goal: ` +
        'the posts, the post authors, the comments, the comment authors. Collect what the ' +
        'resolvers of one tick ask for and fetch it with one usersByIds() or ' +
        'commentsByPostIds() call; a Promise.all() of single-row queries is still one query per row',
    ).toBeLessThanOrEqual(4);
  });

  it('send no more queries for 50 posts with 40 comments each', async () => {
    const small = createBlogDb(blog(2, 3));
    await execute(small, schema, 2);
    const large = createBlogDb(blog(50, 40, 90));
    await execute(large, schema, 50);
    expect(
      large.log.length,
      `2 posts took ${small.log.length} queries, 50 posts with 40 comments each took ` +
        `${large.log.length} (${queries(large)}). The number of queries must follow the levels ` +
        'of the tree, not the rows: a loader made inside a resolver call batches nothing, make ' +
        'one per request in createContext()',
    ).toBeLessThanOrEqual(4);
  });

  it('fetch each user at most once per request', async () => {
    const db = createBlogDb(blog(10, 20));
    await execute(db, schema);
    const sent = userIdsSent(db);
    const repeated = [...new Set(sent.filter((id, i) => sent.indexOf(id) !== i))];
    expect(
      repeated,
      `user ids ${repeated.join(', ')} were sent to the database more than once in one request ` +
        `(${sent.length} ids sent for ${new Set(sent).size} users). Send each distinct key once ` +
        'per batch, and keep what this request already fetched (the post authors write most ' +
        'of the comments too) so a later level does not ask again',
    ).toEqual([]);
  });

  it('give null to a comment by a deleted user and [] to a post without comments', async () => {
    const data = blog(4, 7);
    const page = await execute(createBlogDb(data), schema, 4);
    const byDeleted = page.posts.flatMap((post) => post.comments).find((c) => c.id % 7 === 0);
    expect(
      byDeleted?.author,
      'usersByIds() leaves out ids that match no user; the comment by a deleted user must get ' +
        'author null, as userById() gave it, not undefined and not another user’s row',
    ).toBeNull();
    const quiet = page.posts.find((post) => post.id === 33);
    expect(
      quiet?.comments,
      'commentsByPostIds() returns no row for a post without comments: its comments are []',
    ).toStrictEqual([]);
    expect(page).toStrictEqual(expectedPage(data, 4));
  });

  it('show a user renamed between two requests with the new name', async () => {
    const data = blog(10, 20);
    const db = createBlogDb(data);
    await execute(db, schema);
    const renamed = data.posts.at(-1)!.authorId;
    db.rename(renamed, 'Renamed Since');
    db.log.length = 0;
    const page = await execute(db, schema);
    const users = data.users.map((u) => (u.id === renamed ? { ...u, name: 'Renamed Since' } : u));
    const expected = expectedPage({ ...data, users });
    expect(
      page,
      `after user ${renamed} was renamed, the second request’s page differs at ` +
        `${firstDifference(page, expected)}. A name from before the rename was served from ` +
        'the first request’s cache: loaders and their caches belong to one request, so create ' +
        'them in createContext(), not at module level',
    ).toStrictEqual(expected);
    expect(
      db.log.length,
      `the second request sent ${db.log.length} queries (${queries(db)}): each request ` +
        'fetches its own rows, one query per level',
    ).toBeGreaterThanOrEqual(3);
  });

  it('serve two requests at once, each from its own database', async () => {
    const shopA = blog(6, 5);
    const shopB = blog(6, 5);
    shopB.users = shopB.users.map((user) => ({ ...user, name: `B's ${user.name}` }));
    const [dbA, dbB] = [createBlogDb(shopA), createBlogDb(shopB)];
    const [pageA, pageB] = await Promise.all([execute(dbA, schema, 6), execute(dbB, schema, 6)]);
    const expectedB = expectedPage(shopB, 6);
    expect(
      pageB,
      `the second of two concurrent requests got ${firstDifference(pageB, expectedB)}: its rows ` +
        'came from the other request’s database or cache. Make the loaders in createContext(), ' +
        'from the db it is given',
    ).toStrictEqual(expectedB);
    expect(pageA).toStrictEqual(expectedPage(shopA, 6));
    expect(dbB.log.length, 'each request sends its own queries').toBeGreaterThanOrEqual(3);
  });

  it('fail the request when a user query fails, instead of leaving it waiting', async () => {
    const db = createBlogDb(blog(3, 2));
    const lost = (): Promise<never> => Promise.reject(new Error('connection terminated'));
    const failing: Db = { ...db, userById: lost, usersByIds: lost };
    let outcome = 'still waiting';
    execute(failing, schema, 3).then(
      () => (outcome = 'resolved'),
      (error: unknown) => (outcome = `rejected: ${(error as Error).message}`),
    );
    // The fake database answers within the turn of the event loop it is asked in. A loader may
    // wait for a timer before it sends its batch, so give timers a hundred turns to fire; the
    // loop stops as soon as the request has settled.
    for (let turn = 0; turn < 100 && outcome === 'still waiting'; turn++) {
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    expect(
      outcome,
      'when the batched query rejects, every caller waiting for that batch must reject with its ' +
        'error; callers left waiting hold the request open forever',
    ).toBe('rejected: connection terminated');
  });
});

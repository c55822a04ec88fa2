/**
 * A GraphQL-style executor for one query, the blog's home page:
 *
 *   posts(first: N) { id title author { id name } comments { id body author { id name } } }
 *
 * Like a GraphQL server it knows nothing about the database: it calls one resolver per field
 * and object, and starts every sibling's resolvers together, so all the post authors are asked
 * for in the same tick, and all the comment authors in a later one, once the comments are in.
 */
import type { Comment, Db, Post, User } from './blog-db.ts';

export interface Resolvers<Context> {
  Query: {
    posts(args: { first: number }, context: Context): Promise<Post[]>;
  };
  Post: {
    author(post: Post, context: Context): Promise<User | null>;
    comments(post: Post, context: Context): Promise<Comment[]>;
  };
  Comment: {
    author(comment: Comment, context: Context): Promise<User | null>;
  };
}

export interface Schema<Context> {
  /** Called once per request, before any resolver: what the resolvers of that request share. */
  createContext(db: Db): Context;
  resolvers: Resolvers<Context>;
}

export interface AuthorView {
  id: number;
  name: string;
}

export interface CommentView {
  id: number;
  body: string;
  author: AuthorView | null;
}

export interface PostView {
  id: number;
  title: string;
  author: AuthorView | null;
  comments: CommentView[];
}

export interface HomePage {
  posts: PostView[];
}

function authorView(user: User | null | undefined, field: string): AuthorView | null {
  if (user === undefined) {
    throw new TypeError(
      `${field} resolved to undefined. A user that does not exist (deleted since) must resolve ` +
        'to null, as the single-row query userById() does.',
    );
  }
  return user === null ? null : { id: user.id, name: user.name };
}

/** Serves one request for the home page. */
export async function execute<Context>(
  db: Db,
  schema: Schema<Context>,
  first = 10,
): Promise<HomePage> {
  const context = schema.createContext(db);
  const { resolvers } = schema;
  const posts = await resolvers.Query.posts({ first }, context);
  const views = posts.map(async (post): Promise<PostView> => {
    const [author, comments] = await Promise.all([
      resolvers.Post.author(post, context),
      resolvers.Post.comments(post, context),
    ]);
    const commentViews = comments.map(async (comment): Promise<CommentView> => ({
      id: comment.id,
      body: comment.body,
      author: authorView(
        await resolvers.Comment.author(comment, context),
        `Comment.author of comment ${comment.id}`,
      ),
    }));
    return {
      id: post.id,
      title: post.title,
      author: authorView(author, `Post.author of post ${post.id}`),
      comments: await Promise.all(commentViews),
    };
  });
  return { posts: await Promise.all(views) };
}

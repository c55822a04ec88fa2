import { z } from 'zod';

/**
 * A zod object that rejects unknown keys with a message listing the allowed ones, so a typo in
 * frontmatter or exercise.json (`objective:` for `objectives:`) says what was meant.
 */
export function strictObject<Shape extends z.core.$ZodLooseShape>(shape: Shape, what: string) {
  const allowed = Object.keys(shape)
    .filter((key) => !key.startsWith('$'))
    .join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `Unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')} in ${what}; the allowed fields are: ${allowed}. Check the spelling.`
        : undefined,
  });
}

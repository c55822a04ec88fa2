import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it, expect } from 'vitest';
import { lines } from './lines.ts';

type Options = Parameters<typeof lines>[0];

/** Pipes `source` through lines() and collects every line it emits. */
async function collect(source: Readable, options?: Options): Promise<string[]> {
  const out: string[] = [];
  await pipeline(source, lines(options), async (emitted: AsyncIterable<string>) => {
    for await (const line of emitted) out.push(line);
  });
  return out;
}

/** Feeds exactly these chunks, in this order, with these boundaries. */
async function run(chunks: Array<string | Uint8Array>, options?: Options): Promise<string[]> {
  const buffers = chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c));
  return collect(Readable.from(buffers), options);
}

/**
 * How a run ended, as one short string: the error's `code`, or a note that it did not fail.
 * Asserting on this keeps a failure message to one line instead of a dump of every line emitted.
 */
async function howItEnded(result: Promise<string[]>): Promise<string> {
  try {
    const emitted = await result;
    return `no error (${emitted.length} lines emitted)`;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' ? code : `an error without a code: ${String(error)}`;
  }
}

/** The first line where the two lists differ, described in one line ('none' if they are equal). */
function firstDifference(actual: string[], expected: string[]): string {
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    if (actual[i] !== expected[i]) {
      return (
        `line ${i} is ${JSON.stringify(actual[i])} instead of ${JSON.stringify(expected[i])} ` +
        `(${actual.length} lines emitted, ${expected.length} expected)`
      );
    }
  }
  return 'none';
}

describe('lines()', () => {
  it('emits several lines that arrive in one chunk as separate strings', async () => {
    expect(
      await run(['alpha\nbeta\ngamma\n']),
      'each line of a chunk must be its own string, with no "\\n" and no extra entries',
    ).toEqual(['alpha', 'beta', 'gamma']);
  });

  it('joins a line that is split across two chunks', async () => {
    expect(
      await run(['hello wo', 'rld\nbye\n']),
      'a line split across two chunks must come out as one line: a chunk boundary is not a ' +
        'line boundary, so keep the unfinished end of a chunk until its "\\n" arrives',
    ).toEqual(['hello world', 'bye']);
  });

  it('joins a line spread over three chunks when the middle one has no newline', async () => {
    expect(
      await run(['first\nsec', 'ond li', 'ne\nthird\n']),
      'a chunk with no "\\n" at all only extends the current line; it must not end it',
    ).toEqual(['first', 'second line', 'third']);
  });

  it('emits the last line even when the input does not end with a newline', async () => {
    expect(
      await run(['first\nlast']),
      'text after the final "\\n" is still a line: emit it when the input ends (flush)',
    ).toEqual(['first', 'last']);
  });

  it('does not emit an extra empty line after a trailing newline', async () => {
    expect(
      await run(['a\nb\n']),
      'a trailing "\\n" ends the last line; it must not start an empty one',
    ).toEqual(['a', 'b']);
    expect(
      await run(['a\n', 'b\n']),
      'a chunk that ends exactly at a "\\n" must not produce an empty line either',
    ).toEqual(['a', 'b']);
  });

  it('keeps empty lines in the middle of the input', async () => {
    expect(
      await run(['a\n\nb']),
      'two "\\n" in a row mean an empty line, which must be emitted as ""',
    ).toEqual(['a', '', 'b']);
  });

  it('strips "\\r\\n" endings, even when "\\r" and "\\n" arrive in different chunks', async () => {
    expect(
      await run(['one\r\ntwo\r\n']),
      'with "\\r\\n" endings the "\\r" belongs to the terminator, not to the line',
    ).toEqual(['one', 'two']);
    expect(
      await run(['one\r\ntwo\r', '\nthree\r\n']),
      'a "\\r\\n" split across two chunks is still one terminator: no "\\r" and no extra line',
    ).toEqual(['one', 'two', 'three']);
  });

  it('decodes a multi-byte UTF-8 character that is split across chunks', async () => {
    const bytes = Buffer.from('café\nlift-off 🚀\n');
    const e = bytes.indexOf(Buffer.from('é')); // 2 bytes: C3 A9
    const rocket = bytes.indexOf(Buffer.from('🚀')); // 4 bytes: F0 9F 9A 80
    const chunks = [
      bytes.subarray(0, e + 1),
      bytes.subarray(e + 1, rocket + 2),
      bytes.subarray(rocket + 2),
    ];
    expect(
      await run(chunks),
      'a character whose bytes are split across chunks must be decoded whole: decoding each ' +
        'chunk on its own (chunk.toString()) turns the halves into U+FFFD; use a StringDecoder',
    ).toEqual(['café', 'lift-off 🚀']);
  });

  it('ends the input with U+FFFD for a character it cuts off', async () => {
    expect(
      await run(['last line: caf', Uint8Array.of(0xc3)]),
      'the input ends after the first byte of "é": decoder.end() in flush() hands over what the ' +
        'decoder still holds, as U+FFFD, instead of dropping those bytes without a trace',
    ).toEqual(['last line: caf\uFFFD']);
  });

  it('handles many lines fed one byte at a time', async () => {
    const expected = Array.from({ length: 200 }, (_, i) => (i % 7 === 3 ? '' : `line ${i}`));
    const bytes = Buffer.from(expected.join('\n') + '\n');
    const chunks = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(
      firstDifference(await run(chunks), expected),
      'lines must come out the same however the input is cut, even into one-byte chunks',
    ).toBe('none');
  });

  it('fails with ERR_LINE_TOO_LONG when a line is longer than maxLineLength', async () => {
    expect(
      await howItEnded(run(['short\nthis line is too long\n'], { maxLineLength: 10 })),
      'a line longer than maxLineLength must make the stream error with code ERR_LINE_TOO_LONG',
    ).toBe('ERR_LINE_TOO_LONG');
  });

  it('fails as soon as an unfinished line grows past maxLineLength', async () => {
    let pulled = 0;
    function* endlessLine(): Generator<Buffer> {
      for (let i = 0; i < 10_000; i++) {
        pulled++;
        yield Buffer.from('x');
      }
    }
    expect(
      await howItEnded(collect(Readable.from(endlessLine()), { maxLineLength: 10 })),
      'a line with no "\\n" yet that is already longer than maxLineLength must make the ' +
        'stream error with code ERR_LINE_TOO_LONG',
    ).toBe('ERR_LINE_TOO_LONG');
    expect(
      pulled,
      'the limit must apply to the buffered unfinished line too, not only once its "\\n" (or ' +
        'the end of input) arrives: otherwise a peer that never sends "\\n" fills the memory',
    ).toBeLessThan(1_000);
  });

  it('accepts lines exactly maxLineLength long', async () => {
    expect(
      await run(['0123456789\nabc\n'], { maxLineLength: 10 }),
      'a line of exactly maxLineLength characters is allowed',
    ).toEqual(['0123456789', 'abc']);
    expect(
      await run(['01234', '56789\r', '\n', '0123456789'], { maxLineLength: 10 }),
      'the "\\r" of a "\\r\\n" does not count towards maxLineLength, even while the "\\n" is ' +
        'still to come, and neither does the end of the input',
    ).toEqual(['0123456789', '0123456789']);
  });

  it('checks the last line against maxLineLength after the decoder is flushed', async () => {
    expect(
      await howItEnded(run(['0123456789', Uint8Array.of(0xc3)], { maxLineLength: 10 })),
      'the unfinished line "0123456789" fits a limit of 10, but the input ends with the first ' +
        'byte of a character, which decoder.end() turns into one more character, U+FFFD: the ' +
        'last line is 11 long, so check the line flush() emits too, not only the tail before it',
    ).toBe('ERR_LINE_TOO_LONG');
  });

  it('measures maxLineLength in characters as String#length counts them, not in bytes', async () => {
    // Each line is 10 UTF-16 code units long but 12 to 26 bytes in UTF-8. The last one comes in
    // two chunks with no "\n", so the check on an unfinished line is measured too.
    const accepted = ['naïve café', 'éééééééééé', '🚀🚀🚀🚀🚀', 'ßüöä€€€€€€'];
    const emitted = await run([accepted.join('\n') + '\n', 'ééééé', 'ééééé'], {
      maxLineLength: 10,
    }).catch((error: unknown) => `failed with ${String((error as { code?: unknown }).code)}`);
    expect(
      emitted,
      'maxLineLength counts characters as String#length does, not bytes: "éééééééééé" has 10 ' +
        'characters but 20 bytes in UTF-8, so it fits a limit of 10. Compare the decoded ' +
        "string's length, not Buffer.byteLength() or the chunk's length",
    ).toEqual([...accepted, 'éééééééééé']);
    expect(
      await howItEnded(run(['🚀🚀🚀🚀🚀🚀\n'], { maxLineLength: 10 })),
      'String#length counts UTF-16 code units, and an emoji like 🚀 is two of them: six rockets ' +
        'are 12 long, over a limit of 10 (counting code points with [...line].length gives 6)',
    ).toBe('ERR_LINE_TOO_LONG');
  });
});

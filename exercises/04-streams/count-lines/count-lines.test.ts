import { writeFileSync } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpSpan } from '@workbench/exercise-kit/set-up';
import { countLines } from './count-lines.ts';

const MB = 1024 * 1024;

/**
 * A full garbage collection on demand, so a measurement starts from live memory only: where
 * this file shares a worker with others, their garbage would otherwise be collected during the
 * call and hide what the call itself allocated. (The flag may be set at run time; `gc` then
 * exists in new contexts.)
 */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
/** createReadStream's default highWaterMark: the size of every chunk but the last. */
const CHUNK = 64 * 1024;

let dir: string;
let files = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'count-lines-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `content` to a fresh file in the test's temporary directory. */
async function fileWith(content: string | Buffer): Promise<string> {
  const path = join(dir, `small-${files++}.txt`);
  await writeFile(path, content);
  return path;
}

/** `count` lines of `width` bytes each, "\n" included, so chunk boundaries fall mid-line. */
function fixedLines(count: number, width: number): string {
  return `${'x'.repeat(width - 1)}\n`.repeat(count);
}

interface BigFile {
  path: string;
  size: number;
  lines: number;
}

let big: Promise<BigFile> | undefined;

/**
 * A 50 MB file of log lines of varying length, made once and shared by the tests that need it.
 * It is written one 1 MB block at a time from a single reused Buffer, so making it does not
 * itself take 50 MB. The last line has no "\n".
 */
function bigFile(): Promise<BigFile> {
  // Made inside the first test that needs it; set-up, not the learner's time.
  big ??= setUpSpan(async () => {
    const lines: string[] = [];
    let bytes = 0;
    for (let i = 0; bytes < MB - 200; i++) {
      const line = `${i} GET /api/orders/${i * 7919} 200 ${'.'.repeat(i % 97)}\n`;
      lines.push(line);
      bytes += line.length;
    }
    const block = Buffer.from(lines.join(''));
    const path = join(dir, 'big.log');
    const handle = await open(path, 'w');
    try {
      for (let i = 0; i < 50; i++) await handle.write(block);
      await handle.write('the last line has no newline');
    } finally {
      await handle.close();
    }
    return { path, size: block.length * 50 + 28, lines: lines.length * 50 + 1 };
  });
  return big;
}

interface Growth {
  /**
   * Largest amount of Buffer memory (process.memoryUsage().arrayBuffers) the call held at once,
   * in MB above where it started. Chunks a stream has finished with stay counted until the
   * collector runs, which can be tens of MB, so whenever the count rises by `COLLECT_EVERY` the
   * sampler collects garbage and counts what is left: only Buffers still in use.
   */
  liveBuffers: number;
  /**
   * Buffer memory not yet freed the moment the call returned, in MB. A call that reads the file
   * in one synchronous step never lets the sampler run; its Buffer is garbage once it returns,
   * but not yet collected. A streaming call leaves at most the chunks since the last collection.
   */
  heldAtEnd: number;
  /**
   * Largest rise of the resident set size during the call, in MB. Reported, not judged: freed
   * memory is not always returned to the system, so in a process that ran other tests before
   * (the course check runs many files per process) RSS can rise by more than the file's size
   * for a call that holds nothing.
   */
  rss: number;
  /**
   * Largest rise of V8's large-object space, in MB: where a string or array of more than about
   * 128 KB lives. readFile(path, 'utf8') decodes the whole file into one such string, outside
   * any ArrayBuffer; a streaming count never makes anything that large.
   */
  largeObjects: number;
}

/** How far Buffer memory may rise before the sampler collects garbage to see what is live. */
const COLLECT_EVERY = 8 * MB;

/**
 * A full collection that has also freed the memory of the Buffers it found dead. V8 may finish
 * freeing ArrayBuffers in the background after a collection; the next collection waits for
 * that first, so two in a row leave only live Buffers counted.
 */
function collectAllGarbage(): void {
  collectGarbage();
  collectGarbage();
}

const largeObjectSpace = (): number =>
  getHeapSpaceStatistics().find((space) => space.space_name === 'large_object_space')
    ?.space_used_size ?? 0;

/**
 * Resets the kernel's record of the process's peak resident set size to what it is now (Linux:
 * writing "5" to /proc/self/clear_refs), so the peak read after the call is that call's own and
 * not one an earlier test reached. Where that is not possible, the peak still counts from the
 * process's start, and only a call that goes beyond every earlier peak shows in it.
 */
function resetPeakRss(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux, or no /proc: the sampled RSS still measures the call.
  }
}

const peakRss = (): number =>
  typeof process.resourceUsage === 'function' ? process.resourceUsage().maxRSS * 1024 : 0;

/**
 * Runs `fn` while a timer samples the process's memory every millisecond, and reports how far it
 * rose above where it started. The starting point is taken inside this call, after a full
 * garbage collection: whatever an earlier test left behind (a whole-file Buffer that is garbage
 * but not yet collected, say) is freed first. Otherwise it would be counted in the starting
 * point, freed during the call, and make room that hides what the call itself allocates. A last
 * sample is taken as soon as `fn` settles, and the kernel's peak RSS, reset just before the call,
 * is compared too, so a call that never yields to the timer is still measured.
 */
async function memoryGrowth<T>(fn: () => Promise<T>): Promise<{ result: T; growth: Growth }> {
  collectAllGarbage();
  const before = process.memoryUsage();
  const largeBefore = largeObjectSpace();
  resetPeakRss();
  const peakBefore = peakRss();
  let liveBuffers = 0;
  let rss = before.rss;
  let large = largeBefore;
  const sample = (): void => {
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss);
    large = Math.max(large, largeObjectSpace());
    // Below this, whatever the rise is made of (live or garbage), it is too small to judge.
    if (now.arrayBuffers - before.arrayBuffers > liveBuffers + COLLECT_EVERY) {
      collectAllGarbage();
      liveBuffers = Math.max(liveBuffers, process.memoryUsage().arrayBuffers - before.arrayBuffers);
    }
  };
  const timer = setInterval(sample, 1);
  let heldAtEnd: number;
  let result: T;
  try {
    result = await fn();
    // Before anything can collect it: what a call that never yielded (readFileSync) left behind.
    heldAtEnd = process.memoryUsage().arrayBuffers - before.arrayBuffers;
    sample();
  } finally {
    clearInterval(timer);
  }
  const round = (bytes: number): number => Math.round((bytes / MB) * 10) / 10;
  const growth = {
    liveBuffers: round(liveBuffers),
    heldAtEnd: round(heldAtEnd),
    rss: round(Math.max(rss - before.rss, peakRss() - peakBefore)),
    largeObjects: round(large - largeBefore),
  };
  console.log(
    `memory growth while counting: Buffers in use +${growth.liveBuffers} MB, ` +
      `left at the end +${growth.heldAtEnd} MB, large strings and arrays ` +
      `+${growth.largeObjects} MB, RSS +${growth.rss} MB`,
  );
  return { result, growth };
}

describe('countLines()', () => {
  it('counts the lines of a small file that ends with a newline', async () => {
    expect(
      await countLines(await fileWith('alpha\nbeta\ngamma\n')),
      'three lines, each ended by "\\n": a trailing "\\n" ends the last line, it does not start ' +
        'a fourth one',
    ).toBe(3);
  });

  it('counts a last line that has no newline after it', async () => {
    expect(
      await countLines(await fileWith('alpha\nbeta\ngamma')),
      'text after the final "\\n" is a line too: count it even though no "\\n" follows it',
    ).toBe(3);
    expect(
      await countLines(await fileWith('just one line')),
      'a file with text but no "\\n" at all has one line',
    ).toBe(1);
  });

  it('returns 0 for an empty file', async () => {
    expect(
      await countLines(await fileWith('')),
      'an empty file has no lines (splitting "" gives [""], which is one element, not one line)',
    ).toBe(0);
  });

  it('counts a file of only newlines as that many empty lines', async () => {
    expect(await countLines(await fileWith('\n')), 'a single "\\n" is one empty line').toBe(1);
    expect(
      await countLines(await fileWith('\n'.repeat(1000))),
      '1000 "\\n" in a row are 1000 empty lines',
    ).toBe(1000);
  });

  it('counts each "\\r\\n" line once', async () => {
    expect(
      await countLines(await fileWith('one\r\ntwo\r\nthree\r\n')),
      'a Windows line ending "\\r\\n" ends one line: count its "\\n", not the "\\r" as well',
    ).toBe(3);
    expect(
      await countLines(await fileWith('one\r\ntwo\r\nthree')),
      'in a "\\r\\n" file too, a last line without a terminator counts',
    ).toBe(3);
  });

  it('does not count a "\\r" on its own as a line break', async () => {
    const mistake =
      'only "\\n" ends a line: a "\\r" without a "\\n" right after it (an old Mac line ending, ' +
      'or a stray carriage return) is a character of the line, not the end of one. Splitting on ' +
      '/\\r\\n|\\r|\\n/, or reading lines with readline, counts it as a break';
    expect(await countLines(await fileWith('one\rtwo\rthree\n')), mistake).toBe(1);
    expect(await countLines(await fileWith('progress 10%\rprogress 100%')), mistake).toBe(1);
    expect(await countLines(await fileWith('one\r\r\ntwo\r\n\r')), mistake).toBe(3);
  });

  it('counts a file that spans several chunks, cut in the middle of lines', async () => {
    // 3000 lines of 100 bytes: 300,000 bytes, five chunks, none of which ends at a line end.
    expect(
      await countLines(await fileWith(fixedLines(3000, 100))),
      'a file bigger than one chunk must be counted exactly: the end of a chunk is not the end ' +
        'of a line (adding split("\\n").length per chunk counts one extra line per chunk)',
    ).toBe(3000);
  });

  it('is not fooled by a "\\r\\n" or a "\\n" right at a chunk boundary', async () => {
    // Chunk 1 ends with the "\r" of a "\r\n" whose "\n" starts chunk 2; chunk 2 ends with a
    // "\n" of its own; chunk 3 is a line without a terminator.
    let content = fixedLines(655, 100);
    content += 'y'.repeat(CHUNK - content.length - 1) + '\r\n' + fixedLines(655, 100);
    content += 'z'.repeat(2 * CHUNK - content.length - 1) + '\n' + 'the end';
    const path = await fileWith(content);
    expect(
      await countLines(path),
      'where the chunks are cut must not change the count: a "\\r\\n" split across two chunks ' +
        'is one line ending, a chunk that ends with "\\n" does not start a line by itself, and ' +
        'only the end of the file can end an unterminated line',
    ).toBe(655 + 1 + 655 + 1 + 1);
  });

  it('counts the exact number of lines of a 50 MB file', async () => {
    const { path, lines } = await bigFile();
    expect(
      await countLines(path),
      'the count for the 50 MB file is off: check the chunk boundaries (one extra line per ' +
        '64 KiB chunk means each chunk is counted as if it ended a line) and the last line, ' +
        'which has no "\\n"',
    ).toBe(lines);
  });

  it('does not hold the 50 MB file in memory while counting it', async () => {
    const { path, size, lines } = await bigFile();
    const { result, growth } = await memoryGrowth(() => countLines(path));
    expect(result, 'the count for the 50 MB file is off').toBe(lines);
    // A streaming count stays well below these on any machine: one 64 KiB chunk in use, and
    // the chunks already counted are collected before they add up. Reading the file whole costs
    // at least its size, whichever test ran before.
    expect(
      growth.largeObjects,
      `strings and arrays of ${growth.largeObjects} MB were made while counting a ` +
        `${Math.round(size / MB)} MB file: the code turned the whole file into one string ` +
        `(readFile(path, 'utf8'), or joining the chunks). Count newline bytes in each chunk instead`,
    ).toBeLessThan(20);
    expect(
      growth.liveBuffers,
      `Buffers of ${growth.liveBuffers} MB were in use at once while counting a ` +
        `${Math.round(size / MB)} MB file: the code holds the whole file in one Buffer ` +
        `(readFile(path), or Buffer.concat of the chunks). Count each chunk as it comes and keep ` +
        `only the count`,
    ).toBeLessThan(20);
    expect(
      growth.heldAtEnd,
      `${growth.heldAtEnd} MB of Buffers were allocated while counting a ` +
        `${Math.round(size / MB)} MB file and not yet freed when the call returned: the code read ` +
        `the whole file at once (readFileSync, or readFile). Stream it, one chunk at a time`,
    ).toBeLessThan(30);
  });
});

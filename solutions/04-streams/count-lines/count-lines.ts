import { createReadStream } from 'node:fs';

const NEWLINE = 0x0a;

/**
 * Counts the lines of the file at `path` without loading it into memory. A line ends with "\n"
 * (so "\r\n" counts once); a "\r" on its own does not end a line, it is a character in it. A
 * last line without a "\n" still counts, and an empty file has none.
 */
export async function countLines(path: string): Promise<number> {
  let newlines = 0;
  let lastByte: number | undefined;
  // The stream hands over one 64 KiB chunk at a time and reads the next only when this loop asks
  // for it, so memory stays the same for a 50 MB file and for a 50 GB one.
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    // Count bytes, not decoded text: in UTF-8 the byte 0x0a only ever means "\n" (it never occurs
    // inside a multi-byte character), so it does not matter where the chunks were cut.
    for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) newlines++;
    // A file stream never emits an empty chunk, so this is the file's last byte once we are done.
    lastByte = chunk[chunk.length - 1];
  }
  // Text after the final "\n" is a line too; an empty file leaves lastByte undefined.
  return lastByte === undefined || lastByte === NEWLINE ? newlines : newlines + 1;
}

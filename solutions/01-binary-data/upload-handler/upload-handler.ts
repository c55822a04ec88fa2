import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';

export interface UploadOptions {
  /** Directory the files are saved in. */
  dir: string;
  /** Largest accepted file, in bytes. Default: 5 MB. */
  maxFileBytes?: number;
  /** Most text fields accepted. Default: no limit. */
  maxFields?: number;
  /**
   * Sniffed MIME types accepted. Default: the three the sniffer knows; list
   * application/octet-stream to accept files of any other type as well.
   */
  allow?: string[];
}

export interface SavedFile {
  /** The form field the file came in. */
  field: string;
  /**
   * The file name the client sent, '' if none (a part typed application/octet-stream is a file
   * even without one); informative only, never used as a path.
   */
  filename: string;
  /** The name of the file in `dir`, chosen by the server. */
  savedAs: string;
  /** The sniffed MIME type. */
  type: string;
  size: number;
}

export interface UploadResult {
  status: number;
  body: unknown;
}

const SIGNATURES = [
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // "%PDF-"
];
const SNIFF_BYTES = Math.max(...SIGNATURES.map((s) => s.bytes.length));

function sniff(head: Uint8Array): string {
  const match = SIGNATURES.find((s) => s.bytes.every((byte, i) => head[i] === byte));
  return match?.type ?? 'application/octet-stream';
}

class HttpError extends Error {
  status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * Streams a multipart/form-data request into `options.dir`. Files are written under temporary
 * names and renamed only once the whole request has succeeded; on any failure every file of the
 * request is removed, so the directory never holds a partial or orphaned upload.
 *
 * 200 `{ files, fields }`; 413 a file over maxFileBytes or more than maxFields fields; 415 a
 * file whose first bytes are not an allowed type; 400 a body that is not valid multipart or a
 * client that went away mid-upload; 500 a disk error. Every failure is `{ error }`.
 */
export function handleUpload(req: IncomingMessage, options: UploadOptions): Promise<UploadResult> {
  const { dir, maxFileBytes = 5 * 1024 * 1024, maxFields = Infinity } = options;
  const allow = options.allow ?? SIGNATURES.map((s) => s.type);

  let parser: busboy.Busboy;
  try {
    // busboy reports 'limit' when a file *reaches* fileSize bytes, so allow one byte more:
    // a file of exactly maxFileBytes is fine, the first byte beyond it is not.
    parser = busboy({
      headers: req.headers,
      limits: { fileSize: maxFileBytes + 1, fields: maxFields },
    });
  } catch (error) {
    // Not multipart, or no boundary in the Content-Type.
    return Promise.resolve({ status: 400, body: { error: (error as Error).message } });
  }

  return new Promise((resolve) => {
    const fields: Record<string, string> = {};
    const saves: Array<Promise<SavedFile | undefined>> = [];
    const tempPaths: string[] = [];
    const abort = new AbortController();
    let failed = false;

    const removeAll = async (): Promise<void> => {
      await Promise.allSettled(saves);
      await Promise.all(tempPaths.map((path) => rm(path, { force: true })));
    };

    // One failure can bring others (aborting the files makes their saves fail too): only the
    // first one counts. resolve() would ignore the others anyway; this saves the work.
    const fail = (status: number, message: string): void => {
      if (failed) return;
      failed = true;
      // Stop parsing but keep reading (and discarding) the body: the client can then finish
      // sending and read our answer instead of stalling on a connection nobody reads.
      req.unpipe(parser);
      req.resume();
      abort.abort();
      // The answer waits until the request's files are gone.
      resolve(removeAll().then(() => ({ status, body: { error: message } })));
    };

    const succeed = async (): Promise<void> => {
      // 'close' also follows a parse error, and the last file can fail its check after the
      // parser has finished: either way fail() has been called once every save has settled.
      // Otherwise every save resolved to a file.
      const files = (await Promise.all(saves)) as SavedFile[];
      if (failed) return;
      await Promise.all(files.map((file, i) => rename(tempPaths[i]!, join(dir, file.savedAs))));
      resolve({ status: 200, body: { files, fields } });
    };

    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('fieldsLimit', () => fail(413, `more than ${maxFields} fields`));

    parser.on('file', (field, stream, info) => {
      // The request has failed, but busboy still parses the rest of the chunk it was given.
      // Start no file now: fail() would not wait for it before removing the request's files.
      if (failed) {
        stream.resume();
        return;
      }
      // A hidden temporary name in the same directory, so the final rename is atomic.
      const tempPath = join(dir, `.upload-${randomUUID()}.part`);
      tempPaths.push(tempPath);
      stream.once('limit', () => fail(413, `${info.filename} is over ${maxFileBytes} bytes`));
      const save = saveFile(stream, tempPath, allow, abort.signal).then(
        ({ type, size }) => ({
          field,
          // busboy also hands over a part typed application/octet-stream that has no file name.
          filename: info.filename ?? '',
          savedAs: randomUUID(),
          type,
          size,
        }),
        (error: unknown) => {
          fail(statusFor(error), (error as Error).message);
          return undefined;
        },
      );
      saves.push(save);
    });

    parser.on('error', (error: Error) => fail(400, error.message));
    // A rename can fail too (a disk error): that is the server's fault.
    parser.on('close', () => void succeed().catch((error: Error) => fail(500, error.message)));

    // A client that disconnects mid-upload never ends the request, so busboy would wait forever
    // and the half-written file would stay on disk. A request that breaks emits 'error' (only
    // when someone listens for it) and always 'close' after it: 'close' covers both.
    req.on('close', () => {
      if (!req.complete) fail(400, 'the client went away before the upload was complete');
    });

    req.pipe(parser);
  });
}

function statusFor(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  // A disk error is the server's fault; anything else means the upload itself was broken.
  return (error as { syscall?: string }).syscall ? 500 : 400;
}

/** Writes one file part to `tempPath`, checking its first bytes against `allow` on the way. */
async function saveFile(
  stream: Readable,
  tempPath: string,
  allow: string[],
  signal: AbortSignal,
): Promise<{ type: string; size: number }> {
  let type: string | undefined;
  let size = 0;
  const checkType = (head: Buffer): void => {
    type = sniff(head);
    if (!allow.includes(type)) throw new HttpError(415, `file type ${type} is not allowed`);
  };
  // Opened before a byte is read, so that once this save settles, however early it fails, the
  // file exists and the caller's rm() finds it. A stream that opened the file itself would open
  // it in the background: a save could fail first, and an rm() that ran before the open would
  // leave the file behind. (An open file can be unlinked on POSIX; the stream closes it.)
  // The part can fail while the file opens (the body breaks off): pipeline() reports that
  // error, as it does for any stream that has already failed, but it is not listening yet.
  stream.once('error', () => {});
  const file = await open(tempPath, 'wx');
  await pipeline(
    stream,
    async function* (chunks: AsyncIterable<Buffer>) {
      // A signature can be split across chunks: collect enough bytes before deciding, and
      // write nothing to disk until the type is known.
      let head: Buffer | null = Buffer.alloc(0);
      for await (const chunk of chunks) {
        size += chunk.length;
        if (head === null) {
          yield chunk;
          continue;
        }
        head = Buffer.concat([head, chunk]);
        if (head.length >= SNIFF_BYTES) {
          checkType(head);
          yield head;
          head = null;
        }
      }
      // A file shorter than the longest signature (even an empty one) is checked at its end.
      if (head !== null) {
        checkType(head);
        yield head;
      }
    },
    file.createWriteStream(),
    { signal },
  );
  // The pipeline succeeded, so checkType() has run, in the loop or after it.
  return { type: type!, size };
}

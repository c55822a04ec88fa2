import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import busboy from 'busboy';

export interface UploadOptions {
  /** Directory the files are saved in. */
  dir: string;
  /** Largest accepted file, in bytes. Default: 5 MB. */
  maxFileBytes?: number;
  /** Most text fields accepted. Default: no limit. */
  maxFields?: number;
  /**
   * Sniffed MIME types accepted. Default: image/png, image/jpeg and application/pdf; list
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

/**
 * Streams a multipart/form-data request into `options.dir` and resolves with the HTTP answer:
 *
 * - 200 `{ files: SavedFile[], fields: Record<string, string> }` when everything was saved;
 * - 413 when a file is larger than maxFileBytes, or there are more than maxFields text fields;
 * - 415 when a file's type, sniffed from its first bytes (PNG, JPEG, PDF), is not in `allow`;
 *   bytes that match none of the three are application/octet-stream;
 * - 400 when the body is not valid multipart, or the client goes away mid-upload;
 * - 500 when a file cannot be written to `dir` or given its final name there.
 *
 * Every failure answers `{ error: string }`, a message saying what went wrong.
 *
 * Each check is made while the bytes arrive: a file is refused as soon as it passes
 * maxFileBytes, or as soon as its first 8 bytes (the longest signature) show a type that is not
 * allowed; a file shorter than 8 bytes is sniffed once it ends. After a failure the rest of the
 * body is still read and discarded, so that a client that is still sending can finish; no file
 * that starts in it is written to `dir`, not even for a moment.
 *
 * A failed request leaves nothing in `dir`: not a partial file, not its other files.
 *
 * This version works in a demo with one small, honest file.
 */
export function handleUpload(req: IncomingMessage, options: UploadOptions): Promise<UploadResult> {
  const { dir, maxFileBytes = 5 * 1024 * 1024 } = options;
  const allow = options.allow ?? ['image/png', 'image/jpeg', 'application/pdf'];
  // TODO: options.maxFields is ignored.

  return new Promise((resolve) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers });
    } catch (error) {
      resolve({ status: 400, body: { error: (error as Error).message } });
      return;
    }

    const fields: Record<string, string> = {};
    const received: Array<{ field: string; filename: string; type: string; data: Buffer }> = [];

    parser.on('field', (name, value) => {
      fields[name] = value;
    });

    parser.on('file', (field, stream, info) => {
      // TODO: the whole file is kept in memory, and its size is only looked at once the last
      // byte has arrived. A client can send gigabytes before that.
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error: Error) =>
        resolve({ status: 400, body: { error: error.message } }),
      );
      stream.on('end', () => {
        received.push({
          field,
          filename: info.filename ?? '',
          // TODO: this is the Content-Type the client wrote in the part's headers. It says
          // nothing about what the bytes really are.
          type: info.mimeType,
          data: Buffer.concat(chunks),
        });
      });
    });

    parser.on('error', (error: Error) => {
      resolve({ status: 400, body: { error: error.message } });
    });

    // TODO: a client that disconnects mid-upload never ends the request, so this never runs.
    parser.on('close', async () => {
      const files: SavedFile[] = [];
      for (const { field, filename, type, data } of received) {
        if (data.length > maxFileBytes) {
          return resolve({ status: 413, body: { error: `${filename} is too large` } });
        }
        if (!allow.includes(type)) {
          return resolve({ status: 415, body: { error: `${type} is not allowed` } });
        }
        const savedAs = randomUUID();
        try {
          // TODO: written straight under its final name: if a later step fails, it stays there.
          await writeFile(join(dir, savedAs), data);
        } catch (error) {
          // A disk error is the server's fault.
          return resolve({ status: 500, body: { error: (error as Error).message } });
        }
        files.push({ field, filename, savedAs, type, size: data.length });
      }
      resolve({ status: 200, body: { files, fields } });
    });

    req.pipe(parser);
  });
}

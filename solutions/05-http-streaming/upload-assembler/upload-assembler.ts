import { createHash, randomUUID } from 'node:crypto';

export type UploadErrorCode =
  | 'ERR_UPLOAD_NOT_FOUND'
  | 'ERR_CHUNK_INDEX'
  | 'ERR_CHUNK_SIZE'
  | 'ERR_CHUNK_CONFLICT'
  | 'ERR_UPLOAD_INCOMPLETE'
  | 'ERR_CHECKSUM_MISMATCH';

/** Every refusal carries a `code`, so an HTTP layer can map it to a status without regexes. */
export class UploadError extends Error {
  readonly code: UploadErrorCode;
  /** For ERR_UPLOAD_INCOMPLETE: the chunk indexes still missing, ascending. Otherwise empty. */
  readonly missing: number[];

  constructor(code: UploadErrorCode, message: string, missing: number[] = []) {
    super(message);
    this.name = 'UploadError';
    this.code = code;
    this.missing = missing;
  }
}

export interface UploadStatus {
  totalSize: number;
  chunkSize: number;
  chunkCount: number;
  /** Indexes stored so far, ascending. */
  received: number[];
  /** Indexes still to send, ascending: what a client resuming after a crash must upload. */
  missing: number[];
  /** Bytes stored so far, each chunk counted once. */
  receivedBytes: number;
}

interface Upload {
  totalSize: number;
  chunkSize: number;
  /** One slot per chunk index. The slot, not the arrival order, decides where bytes go. */
  chunks: Array<Buffer | undefined>;
}

/**
 * Collects the chunks of resumable uploads, in any order and any number of times, and hands
 * back the file once every chunk is there and the whole thing matches its SHA-256.
 */
export class UploadAssembler {
  readonly #uploads = new Map<string, Upload>();

  /**
   * Starts an upload of `totalSize` bytes in chunks of `chunkSize` (the last may be shorter).
   * Both come from the client's request, so they are checked: `totalSize` must be a whole
   * number of bytes, 0 (an empty file) or more, and `chunkSize` a whole number of at least 1,
   * or init() throws a RangeError and no upload is created.
   */
  init(totalSize: number, chunkSize: number): string {
    if (!Number.isSafeInteger(totalSize) || totalSize < 0) {
      throw new RangeError(`totalSize must be a whole number of bytes, got ${totalSize}`);
    }
    if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
      throw new RangeError(`chunkSize must be at least 1 byte, got ${chunkSize}`);
    }
    // Unguessable: the id is the only thing that lets a client add bytes to this upload.
    const id = randomUUID();
    const chunkCount = Math.ceil(totalSize / chunkSize);
    this.#uploads.set(id, { totalSize, chunkSize, chunks: new Array(chunkCount).fill(undefined) });
    return id;
  }

  /**
   * Stores chunk `index`. Sending a chunk again with the same bytes is a harmless retry
   * ('duplicate'); sending different bytes for a stored index is a conflict.
   */
  putChunk(id: string, index: number, bytes: Uint8Array): 'stored' | 'duplicate' {
    const upload = this.#get(id);
    const count = upload.chunks.length;
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new UploadError('ERR_CHUNK_INDEX', `chunk ${index} is not in 0..${count - 1}`);
    }
    // Fixed sizes make every chunk's offset index * chunkSize, so a short chunk in the middle
    // would shift every byte after it.
    const expected = sizeOf(upload, index);
    if (bytes.byteLength !== expected) {
      throw new UploadError(
        'ERR_CHUNK_SIZE',
        `chunk ${index} must be ${expected} bytes, got ${bytes.byteLength}`,
      );
    }
    const stored = upload.chunks[index];
    if (stored !== undefined) {
      // A client that lost our answer sends the chunk again: same bytes, nothing to do.
      if (stored.equals(bytes)) return 'duplicate';
      // Different bytes for the same place: one of the two is wrong and we cannot tell which.
      throw new UploadError(
        'ERR_CHUNK_CONFLICT',
        `chunk ${index} was already received with other bytes`,
      );
    }
    // Copy: the caller may reuse its buffer for the next chunk as soon as we return.
    upload.chunks[index] = Buffer.from(bytes);
    return 'stored';
  }

  status(id: string): UploadStatus {
    const upload = this.#get(id);
    const received: number[] = [];
    const missing: number[] = [];
    let receivedBytes = 0;
    upload.chunks.forEach((chunk, index) => {
      if (chunk === undefined) {
        missing.push(index);
      } else {
        received.push(index);
        receivedBytes += chunk.byteLength;
      }
    });
    const { totalSize, chunkSize } = upload;
    return {
      totalSize,
      chunkSize,
      chunkCount: upload.chunks.length,
      received,
      missing,
      receivedBytes,
    };
  }

  /**
   * Joins the chunks in index order and checks them against the SHA-256 the client computed
   * before sending. Either way the upload is then finished and forgotten, except when chunks are
   * missing: the client can still send those and call complete() again.
   */
  complete(id: string, sha256hex: string): Buffer {
    const { missing } = this.status(id);
    if (missing.length > 0) {
      throw new UploadError(
        'ERR_UPLOAD_INCOMPLETE',
        `${missing.length} chunk(s) missing: ${missing.join(', ')}`,
        missing,
      );
    }
    const upload = this.#get(id);
    const file = Buffer.concat(upload.chunks as Buffer[], upload.totalSize);
    // A whole-file digest cannot say which chunk is corrupt, so no stored chunk can be trusted
    // after a mismatch: discard them all rather than hold the memory for a retry that cannot help.
    this.#uploads.delete(id);
    const actual = createHash('sha256').update(file).digest('hex');
    if (actual !== sha256hex.toLowerCase()) {
      throw new UploadError(
        'ERR_CHECKSUM_MISMATCH',
        `sha256 of the assembled ${file.byteLength} bytes is ${actual}, expected ${sha256hex}`,
      );
    }
    return file;
  }

  #get(id: string): Upload {
    const upload = this.#uploads.get(id);
    if (upload === undefined) {
      throw new UploadError('ERR_UPLOAD_NOT_FOUND', `no upload with id ${JSON.stringify(id)}`);
    }
    return upload;
  }
}

/** Every chunk is chunkSize bytes except the last, which holds whatever remains. */
function sizeOf(upload: Upload, index: number): number {
  const start = index * upload.chunkSize;
  return Math.min(upload.chunkSize, upload.totalSize - start);
}

import { randomUUID } from 'node:crypto';

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
  chunkCount: number;
  /** Chunks in the order they arrived. */
  arrived: Buffer[];
  /** Indexes seen so far. */
  indexes: Set<number>;
}

/**
 * Collects the chunks of resumable uploads and hands back the file when it is complete.
 *
 * This version works when one client sends every chunk once, in order, over a perfect network.
 * Parallel uploads, retries and mistakes break it.
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
    const id = randomUUID();
    const chunkCount = Math.ceil(totalSize / chunkSize);
    this.#uploads.set(id, { totalSize, chunkSize, chunkCount, arrived: [], indexes: new Set() });
    return id;
  }

  putChunk(id: string, index: number, bytes: Uint8Array): 'stored' | 'duplicate' {
    const upload = this.#get(id);
    // TODO: the index is never checked against the upload (ERR_CHUNK_INDEX), and neither is the
    // size of the chunk (ERR_CHUNK_SIZE): all but the last must be chunkSize bytes exactly.
    // TODO: a chunk that was already received is appended again, whether it is a retry with the
    // same bytes ('duplicate') or different bytes for the same index (ERR_CHUNK_CONFLICT).
    upload.arrived.push(Buffer.from(bytes));
    upload.indexes.add(index);
    return 'stored';
  }

  status(id: string): UploadStatus {
    const upload = this.#get(id);
    const all = Array.from({ length: upload.chunkCount }, (_, i) => i);
    const { totalSize, chunkSize, chunkCount } = upload;
    return {
      totalSize,
      chunkSize,
      chunkCount,
      received: all.filter((i) => upload.indexes.has(i)),
      missing: all.filter((i) => !upload.indexes.has(i)),
      receivedBytes: upload.arrived.reduce((sum, chunk) => sum + chunk.byteLength, 0),
    };
  }

  complete(id: string, sha256hex: string): Buffer {
    const upload = this.#get(id);
    // TODO: missing chunks are not reported (ERR_UPLOAD_INCOMPLETE with a `missing` list), and
    // sha256hex is never compared with the assembled bytes (ERR_CHECKSUM_MISMATCH).
    void sha256hex;
    // TODO: arrival order is only the file's order when every chunk came in order, once.
    const file = Buffer.concat(upload.arrived);
    this.#uploads.delete(id);
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

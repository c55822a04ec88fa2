/** A file format recognised from its content: its MIME type and its usual file extension. */
export interface Sniffed {
  mime: string;
  ext: string;
}

/** An uploaded file as the server receives it. `name` and `type` are whatever the client sent. */
export interface Upload {
  name: string;
  type: string;
  bytes: Uint8Array;
}

export interface UploadPolicy {
  /** Largest accepted file, in bytes. */
  maxBytes: number;
  /** MIME types accepted, compared with the sniffed type, e.g. ['image/png', 'image/jpeg']. */
  allow: string[];
}

export type RejectionCode = 'too-large' | 'type-not-allowed' | 'type-mismatch' | 'unknown-type';

export type UploadVerdict =
  { ok: true; mime: string } | { ok: false; code: RejectionCode; message: string };

interface Signature extends Sniffed {
  /** Every [offset, bytes] pair must match for the signature to match. */
  parts: Array<[offset: number, bytes: number[]]>;
}

function ascii(text: string): number[] {
  return Array.from(text, (char) => char.charCodeAt(0));
}

const SIGNATURES: readonly Signature[] = [
  // \x89 and the \r\n, \x1a, \n bytes are there to break when a tool mangles line endings or
  // treats the file as 7-bit text, so a PNG is never mistaken for text, or the other way round.
  { mime: 'image/png', ext: 'png', parts: [[0, [0x89, ...ascii('PNG\r\n\x1a\n')]]] },
  // Start-of-image marker, then the first byte of the next marker (APP0, APP1 and so on).
  { mime: 'image/jpeg', ext: 'jpg', parts: [[0, [0xff, 0xd8, 0xff]]] },
  { mime: 'image/gif', ext: 'gif', parts: [[0, ascii('GIF87a')]] },
  { mime: 'image/gif', ext: 'gif', parts: [[0, ascii('GIF89a')]] },
  { mime: 'application/pdf', ext: 'pdf', parts: [[0, ascii('%PDF-')]] },
  // A local file header. DOCX, XLSX, JAR and EPUB files start the same way: they are ZIPs.
  { mime: 'application/zip', ext: 'zip', parts: [[0, ascii('PK\x03\x04')]] },
  // RIFF is a generic container shared with WAV and AVI. Bytes 4-7 are its size; only the form
  // type at bytes 8-11 says what is inside.
  {
    mime: 'image/webp',
    ext: 'webp',
    parts: [
      [0, ascii('RIFF')],
      [8, ascii('WEBP')],
    ],
  },
];

function matchesAt(bytes: Uint8Array, offset: number, expected: number[]): boolean {
  // Too short is "no match": past the end of a typed array, indexing gives undefined, which
  // equals no byte. (It never reaches the bytes behind the view: bytes[i] respects byteOffset
  // and length.)
  return expected.every((byte, i) => bytes[offset + i] === byte);
}

/**
 * Recognises a file format from its first bytes (its "magic number"), or returns null.
 * Indexing the Uint8Array itself respects its byteOffset, so a subarray or a pooled Buffer works.
 */
export function sniff(bytes: Uint8Array): Sniffed | null {
  for (const { mime, ext, parts } of SIGNATURES) {
    if (parts.every(([offset, expected]) => matchesAt(bytes, offset, expected))) {
      return { mime, ext };
    }
  }
  return null;
}

/** 'Image/PNG; charset=binary' -> 'image/png': the part of a MIME type that names the format. */
function essence(type: string): string {
  return (type.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * Decides whether to accept an upload. The content decides the type: the file name and the
 * declared type are claims made by the client, so they can only cause a rejection, never an
 * acceptance.
 */
export function checkUpload(file: Upload, policy: UploadPolicy): UploadVerdict {
  // First, because it is the cheapest check and needs no trust in anything the client said.
  if (file.bytes.length > policy.maxBytes) {
    return reject(
      'too-large',
      `the file is ${file.bytes.length} bytes; at most ${policy.maxBytes}`,
    );
  }
  const sniffed = sniff(file.bytes);
  if (sniffed === null) {
    return reject('unknown-type', 'the content does not start like any supported file format');
  }
  if (!policy.allow.includes(sniffed.mime)) {
    return reject('type-not-allowed', `the content is ${sniffed.mime}, which is not accepted`);
  }
  // Browsers send an empty type when they cannot guess one: that is no claim, not a wrong one.
  const declared = essence(file.type);
  if (declared !== '' && declared !== sniffed.mime) {
    return reject(
      'type-mismatch',
      `declared as ${JSON.stringify(file.type)} but the content is ${sniffed.mime}`,
    );
  }
  return { ok: true, mime: sniffed.mime };
}

function reject(code: RejectionCode, message: string): UploadVerdict {
  return { ok: false, code, message };
}

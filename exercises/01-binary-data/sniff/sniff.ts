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

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Recognises a file format from its first bytes, or returns null:
 *
 * | format | first bytes                               | mime            | ext  |
 * | ------ | ----------------------------------------- | --------------- | ---- |
 * | PNG    | 89 50 4E 47 0D 0A 1A 0A                   | image/png       | png  |
 * | JPEG   | FF D8 FF                                  | image/jpeg      | jpg  |
 * | GIF    | "GIF87a" or "GIF89a"                      | image/gif       | gif  |
 * | PDF    | "%PDF-"                                   | application/pdf | pdf  |
 * | ZIP    | "PK" 03 04                                | application/zip | zip  |
 * | WebP   | "RIFF", 4 size bytes, "WEBP" (bytes 8-11) | image/webp      | webp |
 *
 * Input too short to hold a whole signature does not match it.
 */
export function sniff(bytes: Uint8Array): Sniffed | null {
  if (PNG_SIGNATURE.every((byte, i) => bytes[i] === byte)) {
    return { mime: 'image/png', ext: 'png' };
  }
  // TODO: JPEG, GIF (both versions), PDF, ZIP and WebP are not recognised yet.
  return null;
}

/**
 * Decides whether to accept an upload, checking in this order:
 * 1. more than policy.maxBytes bytes: 'too-large';
 * 2. content sniff() does not recognise: 'unknown-type';
 * 3. a sniffed type that is not in policy.allow: 'type-not-allowed';
 * 4. a declared type (file.type) that is not the sniffed type: 'type-mismatch'. Compare the
 *    essence (lower case, without "; parameters" and the spaces around it); an empty declared
 *    type is no claim.
 * On success, returns the sniffed type. Every rejection has a message for the client.
 */
export function checkUpload(file: Upload, policy: UploadPolicy): UploadVerdict {
  if (file.bytes.length > policy.maxBytes) {
    return { ok: false, code: 'too-large', message: `more than ${policy.maxBytes} bytes` };
  }
  // TODO: file.type is whatever the client put in its request, and a browser derives it from the
  // file name. Nothing here looks at the bytes.
  if (!policy.allow.includes(file.type)) {
    return { ok: false, code: 'type-not-allowed', message: `${file.type} is not accepted` };
  }
  return { ok: true, mime: file.type };
}

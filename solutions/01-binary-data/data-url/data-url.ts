/** What a data: URL carries: a MIME type (with its parameters) and the decoded bytes. */
export interface DataURL {
  mime: string;
  bytes: Uint8Array;
}

/** The type a data: URL has when it names none (the same default as the Fetch standard). */
const DEFAULT_MIME = 'text/plain;charset=US-ASCII';

/** Builds `data:<mime>;base64,<payload>` from raw bytes. */
export function toDataURL(bytes: Uint8Array, mime: string): string {
  // Base64 encodes bytes, so encode the bytes themselves. Going through a string first
  // (btoa(new TextDecoder().decode(bytes))) fails on anything outside Latin-1. Passing offset
  // and length keeps a view (a subarray, a pooled Buffer) from leaking the rest of its buffer.
  const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return `data:${mime};base64,${base64}`;
}

/**
 * Reads a data: URL back into its MIME type and bytes, ignoring any #fragment. Throws a TypeError
 * when the input is not a data: URL, has no comma, or has a ;base64 payload that is not standard
 * base64.
 */
export function parseDataURL(url: string): DataURL {
  // Schemes are case-insensitive: DATA: is as valid as data:.
  if (url.slice(0, 5).toLowerCase() !== 'data:') {
    throw new TypeError(`not a data: URL: ${JSON.stringify(url.slice(0, 30))}`);
  }
  // From the first "#" on is the fragment, which belongs to the URL and not to the resource:
  // fetch('data:,a#b') gives "a". It is cut off before the comma is looked for, as the Fetch
  // standard does. A "#" that is part of the data travels as %23.
  const hash = url.indexOf('#');
  const resource = hash === -1 ? url : url.slice(0, hash);
  const comma = resource.indexOf(',');
  if (comma === -1) {
    throw new TypeError('malformed data: URL: no comma between the media type and the data');
  }
  let mime = resource.slice(5, comma).trim();
  const marker = /;\s*base64$/i.exec(mime);
  if (marker !== null) mime = mime.slice(0, marker.index).trim();
  // "data:;charset=utf-8,..." names parameters but no type; text/plain is implied.
  if (mime.startsWith(';')) mime = `text/plain${mime}`;
  if (mime === '') mime = DEFAULT_MIME;

  // Both kinds of payload may contain percent escapes ("=" is often sent as %3D).
  const payload = percentDecode(resource.slice(comma + 1));
  return { mime, bytes: marker === null ? payload : decodeBase64(payload) };
}

/** Length of the padded base64 text for `n` bytes: every started group of 3 bytes costs 4. */
export function encodedLength(n: number): number {
  return 4 * Math.ceil(n / 3);
}

/**
 * Turns %XX escapes into the byte they name. decodeURIComponent would also decode the bytes as
 * UTF-8, which throws on arbitrary binary (%FF) and on a stray "%". Here a "%" that is not
 * followed by two hex digits stays a "%", and other characters become their UTF-8 bytes.
 */
function percentDecode(text: string): Uint8Array {
  // With a capture group, split() puts the escapes at the odd indexes.
  const parts = text
    .split(/(%[0-9a-f]{2})/i)
    .map((part, i) =>
      i % 2 === 1 ? Uint8Array.of(parseInt(part.slice(1), 16)) : Buffer.from(part, 'utf8'),
    );
  return Buffer.concat(parts);
}

/**
 * Decodes standard base64 the way browsers decode a data: URL (the Fetch standard's "forgiving
 * base64"): ASCII whitespace is removed first, so base64 wrapped into lines still decodes, and
 * the "=" padding is optional, but any other character outside A-Z a-z 0-9 + / is an error.
 * Buffer.from(text, 'base64') alone would skip such characters silently and would also accept
 * base64url's "-" and "_", so a corrupted or wrongly encoded payload would decode to garbage.
 */
function decodeBase64(encoded: Uint8Array): Uint8Array {
  let text = Buffer.from(encoded)
    .toString('latin1')
    .replace(/[\t\n\f\r ]/g, '');
  if (text.length % 4 === 0) text = text.replace(/==?$/, '');
  // One character past a whole group carries 6 bits, less than a byte: no encoder produces that.
  if (text.length % 4 === 1 || !/^[A-Za-z0-9+/]*$/.test(text)) {
    throw new TypeError('malformed data: URL: the ;base64 payload is not valid base64');
  }
  return Buffer.from(text, 'base64');
}

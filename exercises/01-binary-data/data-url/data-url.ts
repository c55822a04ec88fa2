/** What a data: URL carries: a MIME type (with its parameters) and the decoded bytes. */
export interface DataURL {
  mime: string;
  bytes: Uint8Array;
}

/** Builds `data:<mime>;base64,<payload>` from raw bytes, with standard, padded base64. */
export function toDataURL(bytes: Uint8Array, mime: string): string {
  // TODO: btoa() takes a string and only accepts characters up to U+00FF. Decoding the bytes to
  // text first breaks on anything outside Latin-1, and encodes "é" as one byte instead of two.
  return `data:${mime};base64,${btoa(new TextDecoder().decode(bytes))}`;
}

/**
 * Reads a data: URL back into its MIME type and bytes:
 * - the scheme and the ";base64" marker are case-insensitive; the marker counts only at the
 *   very end of the media type, just before the comma ("data:;base64x,..." is not base64);
 * - the MIME type keeps its parameters ("text/plain;charset=utf-8") but not the spaces around
 *   it or before ";base64"; when it is omitted it is "text/plain;charset=US-ASCII", and
 *   parameters without a type get "text/plain" in front;
 * - everything from the first "#" on is a fragment: it belongs to the URL, not to the data, so
 *   "data:,a#b" carries "a" (a "#" inside the data is written %23);
 * - %XX escapes in the payload are bytes; a "%" without two hex digits after it stays a "%";
 * - a ;base64 payload may omit its "=" padding and may be broken into lines: ASCII whitespace
 *   (space, tab, CR, LF, form feed) is removed before decoding, as fetch() does. What remains
 *   must be standard base64, with "=" only as padding at the end of a last group of four.
 * Throws a TypeError whose message says what is wrong: a scheme other than data: (the message
 * mentions "data:"), no comma (it mentions "comma"), or invalid base64 (it mentions "base64").
 */
export function parseDataURL(url: string): DataURL {
  // TODO: this only handles "data:<mime>;base64,<payload>" written exactly like that. There is
  // no default type, no percent-decoding, and no check that the input is a data: URL at all.
  const [header = '', payload = ''] = url.split(',');
  const mime = header.slice('data:'.length).replace(';base64', '');
  return { mime, bytes: new TextEncoder().encode(atob(payload)) };
}

/** Length of the base64 text (padding included) that encodes `n` bytes. */
export function encodedLength(n: number): number {
  // TODO: base64 turns 3 bytes into 4 characters, but that is not the whole story.
  return Math.ceil((n * 4) / 3);
}

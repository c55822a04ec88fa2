import { describe, it, expect } from 'vitest';
import { checkUpload, sniff } from './sniff.ts';

/**
 * Builds a byte array from pieces: a string stands for its character codes (all below 256), a
 * number for one byte. `padTo` appends zero bytes, so a header looks like the start of a file.
 */
function bytes(pieces: Array<string | number>, padTo = 0): Uint8Array {
  const out: number[] = [];
  for (const piece of pieces) {
    if (typeof piece === 'number') out.push(piece);
    else for (const char of piece) out.push(char.charCodeAt(0));
  }
  while (out.length < padTo) out.push(0);
  return Uint8Array.from(out);
}

const PNG = bytes([0x89, 'PNG\r\n\x1a\n', 0, 0, 0, 13, 'IHDR'], 64);
const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16, 'JFIF\0'], 64);
const GIF = bytes(['GIF89a', 1, 0, 1, 0], 64);
const PDF = bytes(['%PDF-1.7\n%\xe2\xe3\xcf\xd3\n'], 64);
const ZIP = bytes(['PK\x03\x04', 20, 0], 64);
const WEBP = bytes(['RIFF', 0x24, 0, 0, 0, 'WEBPVP8 '], 64);
const HTML = bytes(['<!DOCTYPE html><script>alert(document.cookie)</script>'], 64);

/** One line describing sniff()'s answer, so a failure shows what was recognised. */
function sniffed(input: Uint8Array): string {
  const result = sniff(input);
  return result === null ? 'null' : `${result.mime} (.${result.ext})`;
}

type Verdict = ReturnType<typeof checkUpload>;

/** One line describing a verdict: 'ok image/png' or the rejection code. */
function summary(verdict: Verdict): string {
  if (verdict.ok) return `ok ${verdict.mime}`;
  const hasMessage = typeof verdict.message === 'string' && verdict.message.trim() !== '';
  return hasMessage ? verdict.code : `${verdict.code} (but with an empty message)`;
}

const imagesOnly = { maxBytes: 1024, allow: ['image/png', 'image/jpeg', 'image/gif'] };

describe('sniff() and checkUpload()', () => {
  it('sniff() recognises PNG, JPEG, PDF and ZIP from their first bytes', () => {
    expect(sniffed(PNG), 'PNG starts with 89 50 4E 47 0D 0A 1A 0A').toBe('image/png (.png)');
    expect(sniffed(JPEG), 'JPEG starts with FF D8 FF').toBe('image/jpeg (.jpg)');
    expect(
      sniffed(bytes([0xff, 0xd8, 0xff, 0xe1, 0, 0, 'Exif'], 64)),
      'a JPEG with an Exif (APP1) header also starts with FF D8 FF',
    ).toBe('image/jpeg (.jpg)');
    expect(sniffed(PDF), 'PDF starts with "%PDF-"').toBe('application/pdf (.pdf)');
    expect(sniffed(ZIP), 'ZIP starts with "PK" 03 04').toBe('application/zip (.zip)');
  });

  it('sniff() recognises both GIF versions, GIF87a and GIF89a', () => {
    expect(sniffed(GIF), 'GIF89a is a GIF').toBe('image/gif (.gif)');
    expect(sniffed(bytes(['GIF87a', 1, 0, 1, 0], 64)), 'GIF87a is a GIF too').toBe(
      'image/gif (.gif)',
    );
  });

  it('sniff() needs all six bytes "GIF87a" or "GIF89a" for a GIF, not just "GIF8"', () => {
    const message =
      'a GIF starts with the whole version string "GIF87a" or "GIF89a": checking "GIF8" and ' +
      'that the input has 6 bytes accepts anything after "GIF8"';
    expect(sniffed(bytes(['GIF88a', 1, 0, 1, 0], 64)), message).toBe('null');
    expect(sniffed(bytes(['GIF89b', 1, 0, 1, 0], 64)), message).toBe('null');
    expect(sniffed(bytes(['GIF8'], 64)), message + ' (here: "GIF8" and zero bytes)').toBe('null');
  });

  it('sniff() recognises WebP: "RIFF", four size bytes, then "WEBP" at bytes 8 to 11', () => {
    expect(sniffed(WEBP), 'RIFF....WEBP is WebP').toBe('image/webp (.webp)');
    expect(
      sniffed(bytes(['RIFF', 0xff, 0xff, 0xff, 0x7f, 'WEBPVP8L'], 64)),
      'bytes 4-7 are the RIFF size and may hold any value',
    ).toBe('image/webp (.webp)');
  });

  it('sniff() does not take every RIFF file for WebP: WAV and AVI are RIFF too', () => {
    const message =
      'RIFF is a container shared by WAV, AVI and WebP: only "WEBP" at bytes 8-11 makes it ' +
      'WebP, so matching "RIFF" alone accepts audio and video as images';
    expect(sniffed(bytes(['RIFF', 0x24, 0, 0, 0, 'WAVEfmt '], 64)), message).toBe('null');
    expect(sniffed(bytes(['RIFF', 0x24, 0, 0, 0, 'AVI LIST'], 64)), message).toBe('null');
    expect(sniffed(bytes(['WEBP', 0x24, 0, 0, 0, 'RIFF'], 64)), message).toBe('null');
    expect(
      sniffed(bytes(['RIFX', 0x24, 0, 0, 0, 'WEBPVP8 '], 64)),
      '"WEBP" at bytes 8-11 is not enough either: it takes "RIFF" at bytes 0-3 as well',
    ).toBe('null');
  });

  it('sniff() returns null for content without a known signature', () => {
    expect(sniffed(HTML), 'HTML is not one of the formats').toBe('null');
    expect(sniffed(bytes(['<svg xmlns="http://www.w3.org/2000/svg">'], 64)), 'nor is SVG').toBe(
      'null',
    );
    expect(
      sniffed(bytes([0x89, 'PNG\r\n\x1a\0'], 64)),
      'all eight bytes of the PNG signature must match, not just "PNG"',
    ).toBe('null');
    expect(sniffed(bytes(['PKzz'], 64)), '"PK" alone is not a ZIP: 03 04 must follow').toBe('null');
    expect(sniffed(bytes(['GIF90a'], 64)), 'only GIF87a and GIF89a exist').toBe('null');
    expect(sniffed(bytes([0xff, 0xd8, 0x00], 64)), 'JPEG needs all three bytes FF D8 FF').toBe(
      'null',
    );
  });

  it('sniff() returns null for input shorter than the signature it starts like', () => {
    const message = 'a file shorter than a signature cannot match it, even if it starts like it';
    expect(sniffed(new Uint8Array(0)), 'an empty file has no type').toBe('null');
    expect(sniffed(bytes([0x89, 'PN'])), message).toBe('null');
    expect(sniffed(bytes([0xff, 0xd8])), message).toBe('null');
    expect(sniffed(bytes(['GIF8'])), message).toBe('null');
    expect(sniffed(bytes(['%PD'])), message).toBe('null');
    expect(sniffed(bytes(['PK\x03'])), message).toBe('null');
    expect(
      sniffed(bytes(['RIFF', 0x24, 0, 0, 0, 'WEB'])),
      'eleven bytes cannot hold "WEBP" at bytes 8-11, so they are not WebP',
    ).toBe('null');
  });

  it('sniff() recognises input that is exactly as long as the signature', () => {
    const message =
      'input that holds the whole signature and nothing more still matches it: the length ' +
      'check is "at least offset + signature length bytes", not "more than"';
    expect(sniffed(bytes([0x89, 'PNG\r\n\x1a\n'])), message).toBe('image/png (.png)');
    expect(sniffed(bytes([0xff, 0xd8, 0xff])), message).toBe('image/jpeg (.jpg)');
    expect(sniffed(bytes(['GIF89a'])), message).toBe('image/gif (.gif)');
    expect(sniffed(bytes(['%PDF-'])), message).toBe('application/pdf (.pdf)');
    expect(sniffed(bytes(['PK\x03\x04'])), message).toBe('application/zip (.zip)');
    expect(sniffed(bytes(['RIFF', 0x04, 0, 0, 0, 'WEBP'])), message).toBe('image/webp (.webp)');
  });

  it('sniff() reads a view from its own start, not from the start of its buffer', () => {
    const backing = new Uint8Array(PNG.length + 5);
    backing.set(PNG, 5);
    expect(
      sniffed(backing.subarray(5)),
      'a Uint8Array may be a window into a larger ArrayBuffer (Node pools small Buffers): ' +
        'index the view itself, or honour byteOffset when wrapping .buffer',
    ).toBe('image/png (.png)');
  });

  it('checkUpload() accepts content that is allowed and matches its declared type', () => {
    expect(
      summary(checkUpload({ name: 'cat.png', type: 'image/png', bytes: PNG }, imagesOnly)),
      'a PNG declared as image/png with image/png allowed is fine',
    ).toBe('ok image/png');
    expect(
      summary(checkUpload({ name: 'cat.gif', type: 'image/gif', bytes: GIF }, imagesOnly)),
      'a GIF declared as image/gif with image/gif allowed is fine',
    ).toBe('ok image/gif');
  });

  it('checkUpload() rejects a file over maxBytes with too-large, before anything else', () => {
    const policy = { maxBytes: 64, allow: ['image/png'] };
    const big = bytes([0x89, 'PNG\r\n\x1a\n'], 65);
    expect(
      summary(checkUpload({ name: 'cat.png', type: 'image/png', bytes: big }, policy)),
      'a file one byte over maxBytes must be rejected with too-large',
    ).toBe('too-large');
    expect(
      summary(checkUpload({ name: 'x.bin', type: '', bytes: new Uint8Array(100) }, policy)),
      'the size is checked first: an oversized file of unknown content is too-large',
    ).toBe('too-large');
    expect(
      summary(checkUpload({ name: 'cat.png', type: 'image/png', bytes: PNG }, policy)),
      'a file of exactly maxBytes bytes is allowed',
    ).toBe('ok image/png');
  });

  it('checkUpload() rejects unrecognised content with unknown-type, whatever it claims', () => {
    expect(
      summary(checkUpload({ name: 'cat.png', type: 'image/png', bytes: HTML }, imagesOnly)),
      'HTML named cat.png and declared image/png is still HTML: the name and the declared ' +
        'type are chosen by the client, only the bytes say what the file is',
    ).toBe('unknown-type');
  });

  it('checkUpload() rejects a sniffed type outside the allow-list with type-not-allowed', () => {
    expect(
      summary(checkUpload({ name: 'a.pdf', type: 'application/pdf', bytes: PDF }, imagesOnly)),
      'a PDF is not in an images-only allow-list',
    ).toBe('type-not-allowed');
    expect(
      summary(checkUpload({ name: 'invoice.png', type: 'image/png', bytes: PDF }, imagesOnly)),
      'a PDF renamed to .png and declared image/png is still a PDF: check the sniffed type ' +
        'against the allow-list (before comparing it with the declared type)',
    ).toBe('type-not-allowed');
  });

  it('checkUpload() rejects a declared type that contradicts the bytes with type-mismatch', () => {
    expect(
      summary(checkUpload({ name: 'photo.jpg', type: 'image/jpeg', bytes: PNG }, imagesOnly)),
      'the content is PNG but the client declared image/jpeg: both are allowed, but they ' +
        'disagree, so the declared type must not be trusted',
    ).toBe('type-mismatch');
    expect(
      summary(checkUpload({ name: 'anim.gif', type: 'image/gif', bytes: JPEG }, imagesOnly)),
      'JPEG content declared as image/gif is a mismatch',
    ).toBe('type-mismatch');
  });

  it('checkUpload() compares the declared type by its essence and accepts an empty one', () => {
    expect(
      summary(checkUpload({ name: 'cat.png', type: 'IMAGE/PNG', bytes: PNG }, imagesOnly)),
      'MIME types are case-insensitive: IMAGE/PNG is image/png',
    ).toBe('ok image/png');
    expect(
      summary(
        checkUpload({ name: 'cat.png', type: 'image/png; charset=binary', bytes: PNG }, imagesOnly),
      ),
      'parameters after ";" do not change the type',
    ).toBe('ok image/png');
    expect(
      summary(
        checkUpload(
          { name: 'cat.png', type: 'image/png ; charset=binary', bytes: PNG },
          imagesOnly,
        ),
      ),
      'the spaces between the type and ";" are not part of it either: trim the essence',
    ).toBe('ok image/png');
    expect(
      summary(checkUpload({ name: 'cat.png', type: '', bytes: PNG }, imagesOnly)),
      'an empty declared type (what browsers send when they cannot guess) is no claim, so ' +
        'it cannot disagree: the sniffed type is used',
    ).toBe('ok image/png');
  });

  it('checkUpload() ignores the file name: the result is the sniffed type', () => {
    expect(
      summary(checkUpload({ name: 'holiday.png', type: '', bytes: JPEG }, imagesOnly)),
      'a JPEG named .png is a JPEG: return the sniffed type, not the one the extension implies',
    ).toBe('ok image/jpeg');
    expect(
      summary(checkUpload({ name: 'README', type: 'image/gif', bytes: GIF }, imagesOnly)),
      'a file name without an extension is no reason to reject a valid GIF',
    ).toBe('ok image/gif');
    expect(
      summary(checkUpload({ name: 'notes.txt', type: 'image/png', bytes: PNG }, imagesOnly)),
      'nor is a misleading extension',
    ).toBe('ok image/png');
  });
});

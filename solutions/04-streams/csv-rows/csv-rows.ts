import { Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/** One CSV record: its fields, unquoted, in order. */
export type Row = string[];

/**
 * Parses CSV (RFC 4180) from a byte stream: bytes go in, one array of field strings per record
 * comes out. Fields may be quoted; inside quotes, commas and line breaks are data and `""` is one
 * quote. Records end with "\r\n" or "\n"; a "\r" followed by any other character is data. Blank
 * lines are skipped (a line holding only `""` is not blank: it is a record of one empty field),
 * and a final record needs no line break. A quote that does not start a field (5'10") is data, as
 * most parsers accept. Input that ends inside a quoted field fails with the error code
 * ERR_CSV_UNTERMINATED_QUOTE. Bytes that are not valid UTF-8, such as a character cut off by the
 * end of the input, become U+FFFD, as any UTF-8 decoder makes them.
 */
export function csvRows(): Transform {
  const decoder = new StringDecoder('utf8');
  // Everything below survives from one chunk to the next: a chunk can end anywhere, including
  // inside quotes or between the two characters of `""` or "\r\n".
  let row: Row = [];
  let field = '';
  // Whether the current field started with a quote, so that an empty quoted field ("") still
  // counts as content and an empty line does not.
  let quoted = false;
  let inQuotes = false;
  // A quote seen inside a quoted field: either the closing quote or the first half of `""`.
  // Only the next character can tell, and it may be in the next chunk.
  let quotePending = false;
  // A "\r" outside quotes: the first half of "\r\n", unless the next character says otherwise.
  let crPending = false;

  function endField(): void {
    row.push(field);
    field = '';
    quoted = false;
  }

  /** Ends the record; returns it, or undefined for a blank line. */
  function endRow(): Row | undefined {
    if (row.length === 0 && field === '' && !quoted) return undefined;
    endField();
    const done = row;
    row = [];
    return done;
  }

  /** Feeds `text` to the state machine and pushes every record it completes, at once. */
  function parse(text: string): void {
    for (const ch of text) {
      if (quotePending) {
        quotePending = false;
        if (ch === '"') {
          field += '"';
          continue;
        }
        // The quote closed the field; `ch` is handled below as an unquoted character.
        inQuotes = false;
      }
      if (inQuotes) {
        if (ch === '"') quotePending = true;
        else field += ch; // commas, "\r" and "\n" are data in here
        continue;
      }
      if (crPending) {
        crPending = false;
        if (ch !== '\n') field += '\r'; // a lone "\r" is data, not a line break
      }
      if (ch === ',') {
        endField();
      } else if (ch === '\n') {
        const done = endRow();
        if (done) stream.push(done);
      } else if (ch === '\r') {
        crPending = true;
      } else if (ch === '"' && field === '' && !quoted) {
        quoted = true;
        inQuotes = true;
      } else {
        // Lenient, like most parsers: a stray quote in an unquoted field is kept as data.
        field += ch;
      }
    }
  }

  const stream = new Transform({
    // Bytes in, one array per record out: in byte mode the arrays could not even be pushed.
    readableObjectMode: true,

    transform(chunk: Buffer, _encoding, callback) {
      // Each record goes out as soon as its line break arrives, not at the end of the input.
      parse(decoder.write(chunk));
      callback();
    },

    flush(callback) {
      parse(decoder.end());
      if (inQuotes && !quotePending) {
        const error = new Error('the input ended inside a quoted field');
        return callback(Object.assign(error, { code: 'ERR_CSV_UNTERMINATED_QUOTE' }));
      }
      // What may still be pending needs no more input: a quote at the very end closed its field,
      // and a final "\r" is a line break. Either way the open row simply ends here.
      const last = endRow();
      callback(null, last);
    },
  });
  return stream;
}

/**
 * Passes on only the items that match `re`: a string if `re` matches it, a row (an array of
 * strings) if `re` matches any of its fields. Object mode on both sides.
 */
export function grep(re: RegExp): Transform {
  // test() on a /g or /y regex starts at re.lastIndex and moves it past each match, so reusing
  // the caller's regex would make the search for one item start where the previous match
  // ended, and skip matches. A private copy without "g" has no state that carries over; the
  // reset before each test covers "y", which must keep matching at the start of each item.
  const pattern = new RegExp(re.source, re.flags.replace('g', ''));
  const matches = (text: string): boolean => {
    pattern.lastIndex = 0;
    return pattern.test(text);
  };

  return new Transform({
    objectMode: true,

    transform(item: unknown, _encoding, callback) {
      const keep = Array.isArray(item)
        ? item.some((field) => typeof field === 'string' && matches(field))
        : typeof item === 'string' && matches(item);
      callback(null, keep ? item : undefined);
    },
  });
}

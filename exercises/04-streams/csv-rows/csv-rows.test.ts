import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it, expect } from 'vitest';
import { csvRows, grep, type Row } from './csv-rows.ts';

/** Feeds exactly these chunks, in this order, through csvRows() and collects the rows. */
async function parse(chunks: Array<string | Uint8Array>): Promise<Row[]> {
  const buffers = chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c));
  const rows: Row[] = [];
  await pipeline(Readable.from(buffers), csvRows(), async (emitted: AsyncIterable<Row>) => {
    for await (const row of emitted) rows.push(row);
  });
  return rows;
}

/** Passes these items through grep(re) and collects what comes out. */
async function filter(items: Array<string | Row>, re: RegExp): Promise<Array<string | Row>> {
  const out: Array<string | Row> = [];
  await pipeline(Readable.from(items), grep(re), async (kept: AsyncIterable<string | Row>) => {
    for await (const item of kept) out.push(item);
  });
  return out;
}

/** How a run ended, as one short string: the error's `code`, or a note that it did not fail. */
async function howItEnded(result: Promise<Row[]>): Promise<string> {
  try {
    const rows = await result;
    return `no error (${rows.length} rows emitted, last: ${JSON.stringify(rows.at(-1))})`;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' ? code : `an error without a code: ${String(error)}`;
  }
}

/** The first row where the two lists differ, in one line ('none' if they are equal). */
function firstDifference(actual: Row[], expected: Row[]): string {
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    if (JSON.stringify(actual[i]) !== JSON.stringify(expected[i])) {
      return (
        `row ${i} is ${JSON.stringify(actual[i])} instead of ${JSON.stringify(expected[i])} ` +
        `(${actual.length} rows emitted, ${expected.length} expected)`
      );
    }
  }
  return 'none';
}

/** Writes rows as CSV the way a careful writer does: quotes only the fields that need it. */
function toCsv(rows: Row[], eol: string): string {
  const quote = (f: string) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f);
  return rows.map((row) => row.map(quote).join(',') + eol).join('');
}

describe('csvRows()', () => {
  it('splits plain fields and rows that arrive in one chunk', async () => {
    expect(
      await parse(['id,name,city\n1,Ada,London\n2,Linus,Helsinki\n']),
      'each line is one row, and each row is an array of the fields between the commas',
    ).toEqual([
      ['id', 'name', 'city'],
      ['1', 'Ada', 'London'],
      ['2', 'Linus', 'Helsinki'],
    ]);
  });

  it('keeps commas inside quoted fields and removes the quotes', async () => {
    expect(
      await parse(['name,address\n"Lovelace, Ada","12 St James\'s Square, London"\n']),
      'a comma inside a quoted field is part of the value, not a separator (and the ' +
        'surrounding quotes are not part of the value)',
    ).toEqual([
      ['name', 'address'],
      ['Lovelace, Ada', "12 St James's Square, London"],
    ]);
  });

  it('turns a doubled quote inside a quoted field into one quote', async () => {
    expect(
      await parse(['"She said ""hi""",""""\n"",x\n']),
      'inside quotes, "" stands for one literal quote; """" is a field holding one quote, and ' +
        '"" an empty field',
    ).toEqual([
      ['She said "hi"', '"'],
      ['', 'x'],
    ]);
  });

  it('keeps rows that have a single field', async () => {
    expect(
      await parse(['name\nAda\n', 'Linus']),
      'a one-column file has rows without a comma: a row whose only field is not empty is ' +
        'not a blank line',
    ).toEqual([['name'], ['Ada'], ['Linus']]);
  });

  it('keeps a row that is one empty quoted field, unlike a blank line', async () => {
    expect(
      await parse(['""\n\n"",""\n']),
      'a line holding only "" is a record with one empty field (how a one-column file writes ' +
        'an empty value), not a blank line to skip',
    ).toEqual([[''], ['', '']]);
  });

  it('keeps a "\\r" that is not followed by "\\n" as data', async () => {
    expect(
      await parse(['a\rb,c\r', 'd\n', 'e\r\r\n']),
      'only "\\r\\n" and "\\n" end a row: a "\\r" followed by anything else belongs to the ' +
        'field (dropping every "\\r" loses it), also when the next character is in the next chunk',
    ).toEqual([['a\rb', 'c\rd'], ['e\r']]);
  });

  it('keeps a quote in the middle of an unquoted field as data', async () => {
    const input = ['name,height,city\nAda,5\'10",London\nLinus,6\'0",Helsinki\n'];
    const why =
      'a quote opens a quoted field only at the start of the field; 5\'10" is data, as most ' +
      'parsers accept, and must not open a quoted section that swallows the rest of the file';
    expect((await howItEnded(parse(input))).replace(/ \(.*/, ''), why).toBe('no error');
    expect(await parse(input), why).toEqual([
      ['name', 'height', 'city'],
      ['Ada', '5\'10"', 'London'],
      ['Linus', '6\'0"', 'Helsinki'],
    ]);
  });

  it('keeps line breaks inside quoted fields as data', async () => {
    expect(
      await parse(['id,note\n1,"first line\nsecond line"\n2,"crlf\r\ninside"\n']),
      'a line break inside quotes does not end the row: the field contains it, "\\r\\n" ' +
        'included (splitting the input into lines first cannot work for CSV)',
    ).toEqual([
      ['id', 'note'],
      ['1', 'first line\nsecond line'],
      ['2', 'crlf\r\ninside'],
    ]);
  });

  it('ends rows at "\\r\\n", also when "\\r" and "\\n" arrive in different chunks', async () => {
    expect(
      await parse(['a,b\r\nc,d\r\n']),
      'with "\\r\\n" line breaks the "\\r" belongs to the line break, not to the last field',
    ).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(
      await parse(['a,"b"\r', '\nc,d\r', '\n']),
      'a "\\r\\n" split across two chunks is still one line break: no "\\r" in the field and ' +
        'no extra row',
    ).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('joins a quoted field that is split across chunks', async () => {
    expect(
      await parse(['id,quote\n7,"Hello, ', 'wor', 'ld"\n']),
      'a chunk boundary inside quotes must not end the field or the row: the parser state ' +
        '(inside quotes or not, the field so far) has to carry over to the next chunk',
    ).toEqual([
      ['id', 'quote'],
      ['7', 'Hello, world'],
    ]);
    expect(
      await parse(['"say ""hi"', '"",', '"a,b"', ',c\n']),
      'a chunk that ends right after a quote inside a quoted field cannot tell yet whether the ' +
        'quote closes the field or starts a doubled "": decide when the next chunk arrives',
    ).toEqual([['say "hi"', 'a,b', 'c']]);
  });

  it('keeps empty fields, including an empty trailing field', async () => {
    expect(
      await parse(['a,,c\n,b,\n,\n']),
      'a comma always separates two fields: "a,b," has three fields, the last one empty, and ' +
        'a line that is just "," has two empty fields',
    ).toEqual([
      ['a', '', 'c'],
      ['', 'b', ''],
      ['', ''],
    ]);
    expect(
      await parse(['x,y,']),
      'a trailing comma at the very end is an empty last field',
    ).toEqual([['x', 'y', '']]);
  });

  it('emits the last row without a line break, and no extra row after a final one', async () => {
    expect(
      await parse(['a,b\nc,', '"d"']),
      'the end of the input ends the last row: emit what is left in flush()',
    ).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(
      await parse(['a,b\r\n', '\r\nc,d\n\n']),
      'a final line break must not produce an extra empty row, and blank lines are skipped',
    ).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('decodes a multi-byte UTF-8 character that is split across chunks', async () => {
    const bytes = Buffer.from('"Zoë, 🚀",ok\n');
    const e = bytes.indexOf(Buffer.from('ë'));
    const rocket = bytes.indexOf(Buffer.from('🚀'));
    expect(
      await parse([
        bytes.subarray(0, e + 1),
        bytes.subarray(e + 1, rocket + 3),
        bytes.subarray(rocket + 3),
      ]),
      'decode with one StringDecoder for the whole stream: chunk.toString() turns the halves of ' +
        'a split character into U+FFFD',
    ).toEqual([['Zoë, 🚀', 'ok']]);
  });

  it('turns a character cut off by the end of the input into U+FFFD', async () => {
    const cafe = Buffer.from('a,café');
    expect(
      await parse([cafe.subarray(0, -2), cafe.subarray(-2, -1)]),
      'the input ends after the first byte of "é": decoder.end() in flush() returns what the ' +
        'decoder still holds, as U+FFFD; never calling it drops those bytes without a trace',
    ).toEqual([['a', 'caf\uFFFD']]);
  });

  it('gives the same rows however the input is cut', async () => {
    const expected: Row[] = Array.from({ length: 150 }, (_, i) => [
      String(i),
      i % 3 === 0 ? `with, comma ${i}` : `plain ${i}`,
      i % 5 === 0 ? `say "hi" ${i}` : '',
      i % 7 === 0 ? `two\r\nlines ${i}` : 'é',
    ]);
    const bytes = Buffer.from(toCsv(expected, '\r\n'));
    const oneByte = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(
      firstDifference(await parse(oneByte), expected),
      'rows must come out the same when the input arrives one byte at a time',
    ).toBe('none');
    const uneven: Uint8Array[] = [];
    for (let at = 0, size = 1; at < bytes.length; at += size, size = (size % 13) + 1) {
      uneven.push(bytes.subarray(at, at + size));
    }
    expect(
      firstDifference(await parse(uneven), expected),
      'rows must come out the same when the input is cut into chunks of 1 to 13 bytes',
    ).toBe('none');
  });

  it('emits each row as soon as its line break arrives', async () => {
    const source = new PassThrough();
    const parser = csvRows();
    const seen: Row[] = [];
    parser.on('data', (row: Row) => seen.push(row));
    const done = pipeline(source, parser);
    source.write('id,name\n1,"Ada');
    await sleep(20);
    expect(
      seen,
      'a row must be pushed when its line break is parsed, not held back until the input ends ' +
        '(a stream that waits for the end needs the whole file in memory)',
    ).toEqual([['id', 'name']]);
    source.end(' Lovelace"\n');
    await done;
    expect(seen).toEqual([
      ['id', 'name'],
      ['1', 'Ada Lovelace'],
    ]);
  });

  it('fails with ERR_CSV_UNTERMINATED_QUOTE when the input ends inside quotes', async () => {
    expect(
      await howItEnded(parse(['a,b\n1,"never closed\n2,x\n'])),
      'input that ends inside a quoted field is broken (a truncated file, a stray quote): the ' +
        'stream must fail with an error whose code is ERR_CSV_UNTERMINATED_QUOTE instead of ' +
        'guessing where the field ends',
    ).toBe('ERR_CSV_UNTERMINATED_QUOTE');
    expect(
      await howItEnded(parse(['"ends with an escaped quote""'])),
      'a field ending in "" is still open: that is an escaped quote, not the closing one',
    ).toBe('ERR_CSV_UNTERMINATED_QUOTE');
    expect(
      await parse(['"closed at the very end"']),
      'a quote as the very last byte closes the field',
    ).toEqual([['closed at the very end']]);
  });
});

describe('grep()', () => {
  it('passes only the lines that match, in order', async () => {
    expect(
      await filter(['GET /a 200', 'GET /b 500', 'POST /c 201', 'GET /d 503'], / 5\d\d$/),
      'grep(re) must pass on exactly the items re matches, and drop the others',
    ).toEqual(['GET /b 500', 'GET /d 503']);
  });

  it('does not skip matches when the regex has the g flag', async () => {
    const lines = ['error: disk full', 'error: disk full', 'ok', 'error: timeout', 'warn', 'error'];
    expect(
      await filter(lines, /error/g),
      'with a /g regex, re.test() starts searching at re.lastIndex and moves it past each ' +
        'match, so the next line is searched from the middle and a match is skipped: reset ' +
        'lastIndex before every test, or use a copy of the regex without the g flag',
    ).toEqual(['error: disk full', 'error: disk full', 'error: timeout', 'error']);
  });

  it('does not skip matches when the regex has the y flag', async () => {
    expect(
      await filter(['err 1', 'err 2', 'ok err', 'err 3'], /err/y),
      'a sticky /y regex also keeps lastIndex between calls: each item must be tested from its ' +
        'start (so "ok err" does not match a sticky /err/y, but "err 2" does)',
    ).toEqual(['err 1', 'err 2', 'err 3']);
  });

  it('keeps a row when any of its fields matches, also with a /g regex', async () => {
    const rows: Row[] = [
      ['admin', 'alice@example.com'],
      ['admin', 'bob@example.org'],
      ['user', 'carol@example.org'],
      ['user', 'dave@example.com', 'Admin since 2024'],
    ];
    expect(
      await filter(rows, /admin/gi),
      'a row is kept when re matches one of its fields; with a /g regex, lastIndex must not ' +
        'carry over from one field or row to the next (here it made grep skip bob)',
    ).toEqual([rows[0], rows[1], rows[3]]);
  });

  it('filters the rows of csvRows() in a pipeline', async () => {
    const kept: Row[] = [];
    await pipeline(
      Readable.from([Buffer.from('id,city\n1,"Paris, FR"\n2,Lyon\n3,"Paris, TX"\n')]),
      csvRows(),
      grep(/^Paris,/g),
      async (rows: AsyncIterable<Row>) => {
        for await (const row of rows) kept.push(row);
      },
    );
    expect(kept, 'csvRows() then grep() must keep both Paris rows').toEqual([
      ['1', 'Paris, FR'],
      ['3', 'Paris, TX'],
    ]);
  });
});

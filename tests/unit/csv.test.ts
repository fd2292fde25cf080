import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvCell, csvResponse, toCsv } from '../../lib/http/csv';

describe('CSV export', () => {
  it('quotes commas, quotes and line breaks (RFC 4180, CRLF rows)', () => {
    assert.equal(toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['line\nbreak', null], [1.5, 0]]), 'a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",\r\n1.5,0\r\n');
  });

  it('guards cells that a spreadsheet would run as a formula', () => {
    for (const hostile of ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\r=1']) {
      assert.equal(csvCell(hostile), `'${hostile}`, hostile);
    }
    assert.equal(csvCell('/Satoshi:27.0.0/'), '/Satoshi:27.0.0/');
    assert.equal(csvCell(-5), -5, 'numbers we write stay numbers');
    assert.equal(csvCell(Number.NaN), '');
    assert.equal(toCsv(['label'], [['=1+2,3']]), `label\r\n"'=1+2,3"\r\n`);
  });

  it('answers as a no-store attachment with a safe file name', async () => {
    const response = csvResponse('a\r\n', 'my "nodes"\r\n.csv');
    assert.equal(response.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(response.headers.get('content-disposition'), 'attachment; filename="my__nodes___.csv"');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(await response.text(), 'a\r\n');
  });
});

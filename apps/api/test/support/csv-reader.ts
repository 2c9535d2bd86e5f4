/**
 * A tiny RFC 4180 reader for the tests — written apart from the CLI's writer so a round
 * trip checks one against the other. Unquoted empty fields read as `null`, quoted ones as
 * text (`""` → empty string); CRLF or LF ends a record; quotes may hold commas and newlines.
 */

/** The records of a CSV text, each a list of fields. */
export function readCsv(text: string): Array<Array<string | null>> {
  const rows: Array<Array<string | null>> = [];
  let row: Array<string | null> = [];
  let i = 0;
  while (i < text.length) {
    let field: string | null;
    if (text[i] === '"') {
      field = '';
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote === -1) throw new Error('unterminated quoted field');
        field += text.slice(i, quote);
        i = quote + 1;
        if (text[i] !== '"') break;
        field += '"';
        i++;
      }
    } else {
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '\r' && text[end] !== '\n') end++;
      if (text.slice(i, end).includes('"')) throw new Error('quote inside an unquoted field');
      field = end === i ? null : text.slice(i, end);
      i = end;
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '\r' && text[i + 1] === '\n') i += 2;
    else if (text[i] === '\n') i++;
    else if (i < text.length) throw new Error(`unexpected character after field at ${i}`);
    rows.push(row);
    row = [];
  }
  return rows;
}

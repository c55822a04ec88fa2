/**
 * Columns padded the way Prettier prints Markdown tables, so `prettier --check` accepts the
 * generated docs. Widths count code points: right for the characters the schemas use, not for
 * East Asian wide characters.
 */
export function markdownTable(header: readonly string[], rows: readonly string[][]): string {
  const width = (cell: string) => [...cell].length;
  const widths = header.map((cell, column) =>
    Math.max(3, width(cell), ...rows.map((row) => width(row[column] ?? ''))),
  );
  const line = (cells: readonly string[]) => {
    const padded = widths.map((w, column) => {
      const cell = cells[column] ?? '';
      return cell + ' '.repeat(w - width(cell));
    });
    return `| ${padded.join(' | ')} |`;
  };
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

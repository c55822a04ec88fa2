/**
 * Quiz texts are plain strings in which `backticks` mark inline code and nothing else is markup.
 * Shared by the component (rendering) and the checks (comparing a predict quiz with real output).
 */

export interface TextPart {
  text: string;
  code: boolean;
}

/** Splits "a `b` c" into text and code parts; the schema guarantees backticks come in pairs. */
export function splitInlineCode(text: string): TextPart[] {
  return text
    .split('`')
    .map((part, index) => ({ text: part, code: index % 2 === 1 }))
    .filter((part) => part.text !== '');
}

/** What the learner reads, without the backticks: what a predict quiz's answer must print. */
export function withoutBackticks(text: string): string {
  return text.replaceAll('`', '');
}

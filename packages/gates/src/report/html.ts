/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Escapes a Markdown table cell (pipes and newlines would break the row). */
export function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A percentage with two decimals, `n/a` for `null`. */
export function pctOrNa(x: number | null | undefined): string {
  return x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(2)} %`;
}

/** A figure with four decimals, `n/a` for `null`. */
export function figOrNa(x: number | null | undefined): string {
  return x === null || x === undefined ? 'n/a' : x.toFixed(4);
}

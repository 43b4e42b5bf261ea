/**
 * URLs with a password in them (`scheme://user:password@host`), found in linear time: each
 * `://` is looked at once and its authority scanned once, so a hostile 100 MB value costs one
 * pass, not the quadratic backtracking of a regular expression.
 */
const AUTHORITY_END = new Set(["/", "?", "#", " ", "\t", "\n", "\r", "\f", "\v"]);

interface Authority {
  /** Where it starts (just after `://`) and ends in the text. */
  readonly start: number;
  readonly end: number;
  /** Whether a scheme character stands right before `://`. */
  readonly hasScheme: boolean;
  /** The `:` of `user:password@` inside the authority, -1 when there is none. */
  readonly colon: number;
  /** The `@` that ends the user information, -1 when there is none. */
  readonly at: number;
}

/** Every `://…` authority of a text, in order, each scanned once. */
function* authorities(text: string): Generator<Authority> {
  let from = 0;
  for (;;) {
    const marker = text.indexOf("://", from);
    if (marker < 0) return;
    const start = marker + 3;
    let end = start;
    while (end < text.length && !AUTHORITY_END.has(text[end] as string)) end++;
    const authority = text.slice(start, end);
    const at = authority.indexOf("@");
    const colon = at < 0 ? -1 : authority.slice(0, at).indexOf(":");
    yield {
      start,
      end,
      hasScheme: marker > 0 && /[a-z0-9+.-]/i.test(text[marker - 1] as string),
      colon,
      at,
    };
    from = end;
  }
}

export function hasUrlCredentials(text: string): boolean {
  for (const a of authorities(text)) {
    // A user and a password, both non-empty, after a scheme.
    if (a.hasScheme && a.colon > 0 && a.colon < a.at - 1) return true;
  }
  return false;
}

/** The text with the password of every URL replaced by `***` (for code frames and logs). */
export function redactUrlCredentials(text: string): string {
  if (!hasUrlCredentials(text)) return text;
  let out = "";
  let from = 0;
  for (const a of authorities(text)) {
    if (a.colon <= 0) continue;
    out += `${text.slice(from, a.start + a.colon)}:***`;
    from = a.start + a.at;
  }
  return out + text.slice(from);
}

/**
 * Whether a text holds a URL with a password in it (`scheme://user:password@host`), found in
 * linear time: each `://` is looked at once and its authority scanned once, so a hostile
 * 100 MB value costs one pass, not the quadratic backtracking of a regular expression.
 */
const AUTHORITY_END = new Set(["/", "?", "#", " ", "\t", "\n", "\r", "\f", "\v"]);

export function hasUrlCredentials(text: string): boolean {
  let from = 0;
  for (;;) {
    const at = text.indexOf("://", from);
    if (at < 0) return false;
    let end = at + 3;
    while (end < text.length && !AUTHORITY_END.has(text[end] as string)) end++;
    const schemeEnds = at > 0 && /[a-z0-9+.-]/i.test(text[at - 1] as string);
    if (schemeEnds) {
      const authority = text.slice(at + 3, end);
      const userinfo = authority.slice(0, Math.max(0, authority.indexOf("@")));
      const colon = userinfo.indexOf(":");
      if (colon > 0 && colon < userinfo.length - 1) return true;
    }
    from = end > at + 3 ? end : at + 3;
  }
}

/** The text with the password of every URL replaced by `***` (for code frames and logs). */
export function redactUrlCredentials(text: string): string {
  if (!hasUrlCredentials(text)) return text;
  let out = "";
  let from = 0;
  for (;;) {
    const at = text.indexOf("://", from);
    if (at < 0) return out + text.slice(from);
    let end = at + 3;
    while (end < text.length && !AUTHORITY_END.has(text[end] as string)) end++;
    const authority = text.slice(at + 3, end);
    const atSign = authority.indexOf("@");
    const colon = authority.slice(0, Math.max(0, atSign)).indexOf(":");
    out += text.slice(from, at + 3);
    out += colon > 0 ? `${authority.slice(0, colon)}:***${authority.slice(atSign)}` : authority;
    from = end;
    if (end === at + 3) from = at + 3;
  }
}

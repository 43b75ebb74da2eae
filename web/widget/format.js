// Bot text → HTML for the widget: the text is escaped FIRST, then French phone numbers and
// e-mail addresses found in the escaped text become tel: and mailto: links.
// Nothing else is ever interpreted: "<img src=x onerror=alert(1)>" is shown as text.
// Pure functions, no DOM: the widget puts the result in an element with innerHTML, and only this.

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** The text with the five HTML-significant characters escaped. */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (character) => ESCAPES[character]);
}

// Separators inside a number: a space (including no-break and narrow no-break spaces), a dot or a hyphen.
const SEP = "[\\s.\\-]?";
// 03 21 13 19 35, 0321131935, 03.21.13.19.35, +33 3 21 13 19 35, +33 (0)3 21 13 19 35, 0033 3 21…
const PHONE = `(?:(?:\\+|00)33${SEP}(?:\\(0\\)${SEP})?[1-9]|0[1-9])(?:${SEP}\\d{2}){4}`;
// Characters of an address that escaping never produces, so the match is also safe in an attribute.
const EMAIL = "[A-Za-z0-9._%+\\-]+@[A-Za-z0-9\\-]+(?:\\.[A-Za-z0-9\\-]+)*\\.[A-Za-z]{2,}";
const LINKS = new RegExp(`(?<![\\d+\\w])(${PHONE})(?!\\d)|(?<![\\w.%+\\-])(${EMAIL})(?![\\w\\-])`, "g");

/** The tel: URI of a matched French number: national form (0XXXXXXXXX) or +33XXXXXXXXX. */
export function telHref(number) {
  let digits = number.replace(/\D/g, "");
  if (/^\+|^00/.test(number.trim())) {
    digits = digits.replace(/^0033|^33/, "");
    digits = digits.length === 10 && digits.startsWith("0") ? digits.slice(1) : digits; // "(0)"
    return `tel:+33${digits}`;
  }
  return `tel:${digits}`;
}

/** Links for phone numbers and e-mails in text that is already escaped. */
export function linkify(escaped) {
  return escaped.replace(LINKS, (match, phone, email) => {
    if (phone) return `<a href="${telHref(phone)}">${match}</a>`;
    return `<a href="mailto:${email}">${match}</a>`;
  });
}

/** The HTML of a bot message: escape first, then links. */
export function botHtml(text) {
  return linkify(escapeHtml(text));
}

// The one HTML escaper of the server side: Postern's own emails, the audit digest, and the API
// reference page all build small HTML documents by hand.

/** Escapes a value for HTML text and double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

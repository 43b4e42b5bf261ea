/** Text made safe inside HTML elements and attribute values (both reports are hand-written HTML). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

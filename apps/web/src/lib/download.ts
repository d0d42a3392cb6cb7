// Saving generated text (exports, keys) as a file through the browser's download flow.

/** A file-name-safe slug: "Ada's Workspace!" → "ada-s-workspace". */
export function slugify(text: string, fallback = 'workspace'): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return slug || fallback;
}

/**
 * The name an export is saved under: the workspace's slug in front of the server's name
 * (`audit-log-2026-11-21.csv` → `acme-audit-log-2026-11-21.csv`), `-filtered` when it is not the whole
 * log, and the format's extension whatever the server said. Path separators never survive.
 */
export function exportFilename(
  serverName: string,
  options: { workspaceName: string; format: 'csv' | 'json'; filtered: boolean },
): string {
  const base = (serverName.split(/[\\/]/).pop() ?? '').replace(/\.[a-z0-9]+$/i, '');
  const stem = slugify(base, 'audit-log');
  return `${slugify(options.workspaceName)}-${stem}${options.filtered ? '-filtered' : ''}.${options.format}`;
}

/**
 * Starts the browser's download of `href` as `filename` (empty: the name the server gives). A same-origin
 * URL sends the session cookie along.
 */
export function startDownload(href: string, filename = ''): void {
  const link = document.createElement('a');
  link.href = href;
  link.download = filename;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
}

/** Saves `body` as `filename` (a Blob of `contentType`). */
export function downloadBlob(filename: string, contentType: string, body: string): void {
  const url = URL.createObjectURL(new Blob([body], { type: contentType }));
  startDownload(url, filename);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// The rendered message in a sandboxed frame. Campaign HTML is written by members and may hold
// anything (a pasted tracking script, an onerror handler): it must never run in the dashboard's
// origin. `sandbox=""` — no token at all — gives the frame an opaque origin ("null": it cannot read
// the dashboard's cookies, storage or DOM) and no scripts, forms, pop-ups or top navigation; srcdoc
// keeps the HTML off any URL; no-referrer sends nothing about the dashboard to images it loads. The
// dashboard's CSP is inherited by the srcdoc document as a second fence (no script, images from
// nowhere but the dashboard and data: URLs — remote images show as missing in the preview).
import { cn } from '../../lib/cn.ts';

export const PREVIEW_WIDTHS = { desktop: 640, mobile: 375 } as const;
export type PreviewWidth = keyof typeof PREVIEW_WIDTHS;

/** The document the frame shows: the message's HTML, with a base that opens links in a new tab. */
export function previewDocument(html: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><base target="_blank"></head><body style="margin:0;padding:16px;font-family:system-ui,sans-serif;background:#fff;color:#0f172a">${html}</body></html>`;
}

export function PreviewFrame({
  html,
  width,
  title,
  testId = 'campaign-preview-frame',
}: {
  html: string;
  width: PreviewWidth;
  /** The frame's accessible name. */
  title: string;
  testId?: string;
}) {
  return (
    <div className="flex justify-center overflow-x-auto rounded-lg bg-slate-100 p-3 ring-1 ring-inset ring-slate-200">
      <iframe
        sandbox=""
        referrerPolicy="no-referrer"
        srcDoc={previewDocument(html)}
        title={title}
        data-testid={testId}
        data-width={width}
        className={cn('h-[36rem] max-w-full rounded-md bg-white shadow-sm ring-1 ring-slate-900/10')}
        style={{ width: PREVIEW_WIDTHS[width] }}
      />
    </div>
  );
}

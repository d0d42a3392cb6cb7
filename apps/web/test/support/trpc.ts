// Shared by the Chromium e2e suites: calling the API as the signed-in page would (its cookies, the
// double-submit CSRF header), to set up data a test needs without driving pages it is not about.
import type { Page } from 'playwright-core';

/** Runs the tRPC mutation `path` with `input` inside `page`; resolves to its data, rejects on refusal. */
export async function mutate<T>(page: Page, path: string, input?: unknown): Promise<T> {
  const answer = await page.evaluate(
    async ({ path, input }) => {
      const csrf = /(?:^|;\s*)(?:__Host-)?pst_csrf=([^;]+)/.exec(document.cookie)?.[1];
      const response = await fetch(`/trpc/${path}`, {
        method: 'POST',
        credentials: 'include',
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: JSON.stringify(input ?? {}),
      });
      return { status: response.status, body: await response.text() };
    },
    { path, input },
  );
  if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}: ${answer.body}`);
  return (JSON.parse(answer.body) as { result: { data: T } }).result.data;
}

/** Uploads `csv` as a bulk job of `workspaceId` (the upload is multipart, outside tRPC); returns its id. */
export async function uploadCsv(page: Page, workspaceId: string, name: string, csv: string): Promise<string> {
  const answer = await page.evaluate(
    async ({ workspaceId, name, csv }) => {
      const csrf = /(?:^|;\s*)(?:__Host-)?pst_csrf=([^;]+)/.exec(document.cookie)?.[1];
      const form = new FormData();
      form.append('name', name);
      form.append('file', new File([csv], 'leads.csv', { type: 'text/csv' }));
      const response = await fetch(`/api/w/${workspaceId}/jobs`, {
        method: 'POST',
        credentials: 'include',
        headers: { accept: 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: form,
      });
      return { status: response.status, body: await response.text() };
    },
    { workspaceId, name, csv },
  );
  if (answer.status >= 300) throw new Error(`the upload answered ${answer.status}: ${answer.body}`);
  return (JSON.parse(answer.body) as { id: string }).id;
}

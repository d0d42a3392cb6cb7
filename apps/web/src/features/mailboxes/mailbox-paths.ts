// URLs of the email account pages: /w/:workspaceId/mailboxes and /w/:workspaceId/mailboxes/:mailboxId.

export function mailboxesPath(workspaceId: string): string {
  return `/w/${encodeURIComponent(workspaceId)}/mailboxes`;
}

export function mailboxPath(workspaceId: string, mailboxId: string): string {
  return `${mailboxesPath(workspaceId)}/${encodeURIComponent(mailboxId)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Mailbox ids are UUIDs: anything else in the URL cannot name one (and is not sent to the API). */
export function isMailboxId(value: string | undefined): value is string {
  return value !== undefined && UUID.test(value);
}

// Writes docs/permissions.md from PERMISSIONS in contracts (`node scripts/permissions-doc.ts`);
// apps/api/test/tenancy.int.test.ts fails when the two disagree.
import { writeFileSync } from 'node:fs';
import { PERMISSION_TEXT, PERMISSIONS, type Permission, ROLES } from '@postern/contracts';

const lines = [
  '# Permissions',
  '',
  "Every workspace procedure declares one permission (`.meta({ permission })`); the API's",
  "`workspaceProcedure` checks it against the caller's role in one place. The source of truth is",
  '`PERMISSIONS` in `packages/contracts/src/workspaces.ts` (regenerate this page with',
  '`node scripts/permissions-doc.ts`); `apps/api/test/tenancy.int.test.ts` checks this table against it',
  'and every procedure against every role.',
  '',
  '| permission | what it allows | owner | admin | member | viewer |',
  '|---|---|---|---|---|---|',
  ...(Object.entries(PERMISSIONS) as [Permission, readonly string[]][]).map(
    ([permission, allowed]) =>
      `| \`${permission}\` | ${PERMISSION_TEXT[permission]} | ${ROLES.map((role) => (allowed.includes(role) ? '✓' : '—')).join(' | ')} |`,
  ),
  '',
  'Further rules enforced in core:',
  '- a workspace always keeps at least one owner: the last owner cannot leave, be removed or be demoted;',
  '- only owners grant ownership, demote an owner or remove an owner;',
  '- invitations grant admin, member or viewer (ownership is given by promotion);',
  '- every member may leave a workspace (`workspaces.leave`);',
  '- a mailbox password or OAuth token is never shown to any role; members may test a mailbox and send through it, only owners and admins connect, disconnect or change its credentials and identity;',
  "- an unknown workspace id and another tenant's look the same (NOT_FOUND).",
  '',
];
writeFileSync(new URL('../docs/permissions.md', import.meta.url), lines.join('\n'));

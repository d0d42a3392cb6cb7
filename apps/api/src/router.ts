// The application router: the single source of API types. Clients import only `type AppRouter`.
import { accountRouter } from './routers/account/index.ts';
import { apiKeysRouter } from './routers/api-keys/index.ts';
import { auditRouter } from './routers/audit/index.ts';
import { authRouter } from './routers/auth/index.ts';
import { bulkRouter } from './routers/bulk/index.ts';
import { campaignsRouter } from './routers/campaigns/index.ts';
import { contactImportsRouter } from './routers/contact-imports/index.ts';
import { contactsRouter } from './routers/contacts/index.ts';
import { homeRouter } from './routers/home/index.ts';
import { invitationsRouter } from './routers/invitations/index.ts';
import { mailboxesRouter } from './routers/mailboxes/index.ts';
import { membersRouter } from './routers/members/index.ts';
import { notificationsRouter } from './routers/notifications/index.ts';
import { ownershipRouter } from './routers/ownership/index.ts';
import { policiesRouter } from './routers/policies/index.ts';
import { privacyRouter } from './routers/privacy/index.ts';
import { systemRouter } from './routers/system/index.ts';
import { validationRouter } from './routers/validation/index.ts';
import { webhooksRouter } from './routers/webhooks/index.ts';
import { workspacesRouter } from './routers/workspaces/index.ts';
import { router } from './trpc.ts';

export const appRouter = router({
  system: systemRouter,
  auth: authRouter,
  account: accountRouter,
  workspaces: workspacesRouter,
  home: homeRouter,
  members: membersRouter,
  invitations: invitationsRouter,
  audit: auditRouter,
  apiKeys: apiKeysRouter,
  validation: validationRouter,
  bulk: bulkRouter,
  notifications: notificationsRouter,
  webhooks: webhooksRouter,
  policies: policiesRouter,
  privacy: privacyRouter,
  ownership: ownershipRouter,
  contacts: contactsRouter,
  contactImports: contactImportsRouter,
  mailboxes: mailboxesRouter,
  campaigns: campaignsRouter,
});

export type AppRouter = typeof appRouter;

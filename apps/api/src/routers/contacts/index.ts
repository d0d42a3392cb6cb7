// Audiences for the dashboard (#29): contacts (`contacts.*`), lists and subscriptions
// (`contacts.lists.*`) and the suppression list (`contacts.suppressions.*`). Permissions:
// contacts.read to read, contacts.write to change contacts and subscriptions, contacts.erase (owner,
// admin) to erase a person, lists.manage for lists, suppressions.manage for the suppression list. The public API's twin is http/v1/contacts.ts & co.
import { router } from '../../trpc.ts';
import { contactProcedures } from './contacts.ts';
import { listsRouter } from './lists.ts';
import { suppressionsRouter } from './suppressions.ts';

export const contactsRouter = router({
  ...contactProcedures,
  lists: listsRouter,
  suppressions: suppressionsRouter,
});

// Connected mailboxes of a workspace (docs/mailboxes.md): viewers see them, members test them and
// check sender authentication, owners and admins connect, replace credentials, edit the identity,
// prove aliases and disconnect. Transport only: every rule lives in core/mailboxes.
import { router } from '../../trpc.ts';
import { connect, disconnect, replaceCredentials, test } from './connection.ts';
import {
  checkSenderAuth,
  confirmAliasVerification,
  startAliasVerification,
  updateIdentity,
} from './identity.ts';
import { oauthProviders, oauthStart } from './oauth.ts';
import { get, list } from './read.ts';

export const mailboxesRouter = router({
  list,
  get,
  connect,
  test,
  replaceCredentials,
  disconnect,
  updateIdentity,
  startAliasVerification,
  confirmAliasVerification,
  checkSenderAuth,
  oauthProviders,
  oauthStart,
});

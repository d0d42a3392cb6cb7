// Audiences (#29): contacts, lists, subscriptions, the consent ledger and suppression. The core API the
// /v1 routes, tRPC procedures, forms (#30) and campaigns build on; docs/contacts.md explains the model.
// Every function takes `ctx` (em, clock, keyring, actor, meta) and the workspace id first; ids of
// another workspace are NOT_FOUND; inputs are parsed with the contract's schemas (VALIDATION_FAILED).
//
// Contacts (contacts.ts)
//   createContact(ctx, ws, ZCreateContact)                → ContactDto   (CONFLICT if the address exists)
//   updateContact(ctx, ws, contactId, ZUpdateContact)     → ContactDto
//   getContact(ctx, ws, contactId)                        → ContactDto (with subscriptions)
//   listContacts(ctx, ws, ZListContactsQuery)             → { contacts, nextCursor } (search, listId, status)
//   deleteContact(ctx, ws, contactId)                     ledger stays readable
//   eraseContact(ctx, ws, contactId)                      contact key destroyed: ledger rows unreadable
//   exportContact(ctx, ws, contactId)                     → ContactExport (subject-export.ts; audited)
// Lists (lists.ts; audited list.*)
//   createList / updateList(ctx, ws, [listId,] input)     → ContactListDto (a changed consentText adds a version)
//   getList / listLists / deleteList / listConsentTextVersions
// Subscribing (subscribe.ts, import.ts; all through gate.ts subscribeRows, which checks suppression first)
//   subscribe(ctx, ws, ZSubscribe)        → SubscribeResult (CONFLICT when suppressed, except forms → unconfirmed)
//   confirm(ctx, ws, ZConfirm)            double opt-in step 2: active, confirmation IP/UA, lifts a suppression
//   unsubscribe(ctx, ws, ZUnsubscribe)    one list, or all (+ consent_withdrawn + suppression `unsubscribed`)
//   importContacts(ctx, ws, ZImportContacts) → { imported, skipped: [{ row, reason, detail }] }
// Ledger (ledger.ts)
//   consentTimeline(ctx, ws, contactId)   → ConsentTimelineEntry[] (personErased after erasure)
// Suppression (suppressions.ts, suppression-keys.ts)
//   addSuppressions(ctx, ws, ZAddSuppressions)   manual, all-or-nothing; removeSuppression (manual only)
//   listSuppressions / exportSuppressions (audited) / isSuppressed(ctx, ws, emails[]) (batched)
//   suppressInTx(tx, ctx, ws, { addresses, reason, source })  for bounces/complaints (campaigns)
//   addSuppressionKeyVersion(em, keyring)        operators: a new hash key version (old ones kept)
// Double opt-in and the preference center (#30; opt-in.ts, preferences.ts)
//   issueOptInToken / inspectOptInToken / confirmOptIn(ctx, token, {ip, userAgent})  single-use links
//   claimConfirmationSend(kv, config, normalized, listId)  list-bombing limits; renderConfirmationMail
//   preferenceToken / readPreferenceToken (signed, no row) / preferenceView / purgeUnconfirmed
// Webhook events (outbox): contact.subscribed, contact.confirmed, contact.unsubscribed, contact.suppressed.
export { normalizeAddress, tryNormalizeAddress } from './address.ts';
export {
  contactDto,
  contactDtos,
  createContact,
  deleteContact,
  eraseContact,
  findContact,
  getContact,
  listContacts,
  updateContact,
} from './contacts.ts';
export * from './import/index.ts';
export { importContacts } from './import.ts';
export { consentTimeline, writeConsentEvents } from './ledger.ts';
export {
  createList,
  deleteList,
  findList,
  getList,
  listConsentTextVersions,
  listLists,
  updateList,
} from './lists.ts';
export {
  claimConfirmationSend,
  confirmOptIn,
  inspectOptInToken,
  issueOptInToken,
  type OptInTokenState,
  renderConfirmationMail,
} from './opt-in.ts';
export {
  type FormOutcome,
  type FormSubscription,
  type PublicList,
  publicList,
  subscribeFromForm,
} from './opt-in-form.ts';
export { type ConfirmationSender, sendConfirmationMail, settleConfirmationSends } from './opt-in-send.ts';
export {
  type PreferenceView,
  preferenceToken,
  preferenceView,
  purgeUnconfirmed,
  readPreferenceToken,
} from './preferences.ts';
export type { ContactsCtx } from './shared.ts';
export { exportContact } from './subject-export.ts';
export { confirm, subscribe, unsubscribe } from './subscribe.ts';
export { addSuppressionKeyVersion, loadSuppressionKeys, suppressionHash } from './suppression-keys.ts';
export {
  addSuppressions,
  exportSuppressions,
  findSuppressed,
  isSuppressed,
  listSuppressions,
  removeSuppression,
  suppressInTx,
} from './suppressions.ts';

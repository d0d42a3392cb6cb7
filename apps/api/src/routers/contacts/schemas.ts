// Inputs and outputs of the dashboard's audience procedures that the contracts do not name: each
// contracts shape with the workspace id (the tenant scope reads it) and the wrappers of lists.
import {
  ZAddSuppressions,
  ZConsentEvidence,
  ZConsentTimelineEntry,
  ZContactList,
  ZCreateContact,
  ZCreateList,
  ZImportContacts,
  ZListContactsQuery,
  ZListSuppressionsQuery,
  ZSuppression,
  ZUpdateContact,
  ZUpdateList,
  ZWorkspaceScoped,
} from '@postern/contracts';
import { z } from 'zod';

const ZId = z.string().max(100);

export const ZContactRef = ZWorkspaceScoped.extend({ contactId: ZId });
export const ZListRef = ZWorkspaceScoped.extend({ listId: ZId });
export const ZSuppressionRef = ZWorkspaceScoped.extend({ suppressionId: ZId });

export const ZContactListRequest = ZWorkspaceScoped.extend(ZListContactsQuery.shape);
export const ZContactCreateRequest = ZWorkspaceScoped.extend(ZCreateContact.shape);
export const ZContactUpdateRequest = ZContactRef.extend({ data: ZUpdateContact });
export const ZContactImportRequest = ZWorkspaceScoped.extend(ZImportContacts.shape);
export const ZConsentTimeline = z.object({ events: z.array(ZConsentTimelineEntry) });

export const ZListCreateRequest = ZWorkspaceScoped.extend(ZCreateList.shape);
export const ZListUpdateRequest = ZListRef.extend({ data: ZUpdateList });
export const ZListCollection = z.object({ lists: z.array(ZContactList) });

/**
 * A member subscribing someone from the dashboard: recorded with method `dashboard` (`confirmedAt`, proof
 * of an outside double opt-in, is the API's only).
 */
export const ZDashboardSubscribeRequest = ZListRef.extend({
  contact: ZCreateContact,
  evidence: ZConsentEvidence.omit({ method: true, confirmedAt: true }).strict().default({}),
});
/** One list, or (without `listId`) every list and the address suppressed as `unsubscribed`. */
export const ZDashboardUnsubscribeRequest = ZContactRef.extend({ listId: ZId.optional() });
export const ZUnsubscribeResult = z.object({
  changed: z.boolean(),
  lists: z.array(z.string()),
  suppressed: z.boolean(),
});

export const ZSuppressionListRequest = ZWorkspaceScoped.extend(ZListSuppressionsQuery.shape);
export const ZSuppressionAddRequest = ZWorkspaceScoped.extend(ZAddSuppressions.shape);
export const ZSuppressionExport = z.object({ suppressions: z.array(ZSuppression) });

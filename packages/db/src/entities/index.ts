import { ApiKeyAlertSchema, ApiKeySchema, ApiKeyUsageSchema } from './api-key.ts';
import { AuditCheckpointSchema, AuditEntrySchema, AuditSignedHeadSchema } from './audit.ts';
import {
  EmailTokenSchema,
  RecoveryCodeSchema,
  RefreshTokenSchema,
  SessionSchema,
  TwoFactorChallengeSchema,
  UserSchema,
} from './auth.ts';
import { BulkJobChunkSchema, BulkJobRowsSchema, BulkJobSchema, BulkUploadSchema } from './bulk.ts';
import { CampaignRecipientSchema, CampaignSchema } from './campaigns.ts';
import {
  ContactImportChunkSchema,
  ContactImportReportSchema,
  ContactImportSchema,
} from './contact-import.ts';
import {
  ConsentEventSchema,
  ConsentTextVersionSchema,
  ContactListSchema,
  ContactSchema,
  SubscriptionSchema,
  SuppressionKeySchema,
  SuppressionSchema,
} from './contacts.ts';
import { NotificationSchema, OutboxEventSchema } from './events.ts';
import { MailboxAliasVerificationSchema, MailboxOAuthStateSchema, MailboxSchema } from './mailbox.ts';
import { OptInTokenSchema } from './opt-in.ts';
import { ValidationPolicySchema } from './policy.ts';
import { SubjectKeySchema } from './subject-key.ts';
import { WebhookAttemptSchema, WebhookDeliverySchema, WebhookEndpointSchema } from './webhooks.ts';
import { WorkerHeartbeatSchema } from './worker-heartbeat.ts';
import { InvitationSchema, MembershipSchema, WorkspaceSchema } from './workspace.ts';

export * from './api-key.ts';
export * from './append-only.ts';
export * from './audit.ts';
export * from './auth.ts';
export * from './bulk.ts';
export * from './campaigns.ts';
export * from './contact-import.ts';
export * from './contacts.ts';
export * from './events.ts';
export * from './mailbox.ts';
export * from './opt-in.ts';
export * from './policy.ts';
export * from './subject-key.ts';
export * from './webhooks.ts';
export * from './worker-heartbeat.ts';
export * from './workspace.ts';

/** Every entity of the schema; migrations are generated from exactly this list. */
export const ALL_ENTITIES = [
  WorkerHeartbeatSchema,
  UserSchema,
  SessionSchema,
  RefreshTokenSchema,
  RecoveryCodeSchema,
  EmailTokenSchema,
  TwoFactorChallengeSchema,
  AuditEntrySchema,
  AuditCheckpointSchema,
  AuditSignedHeadSchema,
  WorkspaceSchema,
  MembershipSchema,
  InvitationSchema,
  ApiKeySchema,
  ApiKeyUsageSchema,
  ApiKeyAlertSchema,
  BulkJobSchema,
  BulkJobChunkSchema,
  BulkJobRowsSchema,
  BulkUploadSchema,
  OutboxEventSchema,
  NotificationSchema,
  WebhookEndpointSchema,
  WebhookDeliverySchema,
  WebhookAttemptSchema,
  ValidationPolicySchema,
  SubjectKeySchema,
  ContactSchema,
  ContactListSchema,
  ConsentTextVersionSchema,
  SubscriptionSchema,
  ConsentEventSchema,
  SuppressionSchema,
  SuppressionKeySchema,
  OptInTokenSchema,
  ContactImportSchema,
  ContactImportChunkSchema,
  ContactImportReportSchema,
  MailboxSchema,
  MailboxAliasVerificationSchema,
  MailboxOAuthStateSchema,
  CampaignSchema,
  CampaignRecipientSchema,
];

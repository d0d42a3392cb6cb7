// Validation policies: one row per workspace that changed the default (no row = DEFAULT_POLICY in
// packages/core/src/validation/policy.ts). The rules are the contract's ZPolicy as jsonb; the row
// goes with its workspace (foreign key, on delete cascade).
import { defineEntity, p } from '@mikro-orm/core';
import { Workspace } from './workspace.ts';

export const ValidationPolicySchema = defineEntity({
  name: 'ValidationPolicy',
  tableName: 'validation_policy',
  properties: {
    workspace: () => p.manyToOne(Workspace).primary().deleteRule('cascade'),
    /** `{ rules, default }` as ZPolicy parses it. */
    rules: p.json<Record<string, unknown>>(),
    updatedAt: p.datetime(),
    /** The member who saved it (no foreign key: the audit log keeps the history). */
    updatedBy: p.uuid().nullable(),
  },
});
export class ValidationPolicy extends ValidationPolicySchema.class {}
ValidationPolicySchema.setClass(ValidationPolicy);

// Roles and the permission matrix (zod-free): the API enforces it, the dashboard hides what a role cannot do.
export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  'workspace.read': ['owner', 'admin', 'member', 'viewer'],
  'workspace.rename': ['owner', 'admin'],
  'workspace.security': ['owner'],
  'workspace.ownership': ['owner'],
  'members.read': ['owner', 'admin', 'member', 'viewer'],
  'members.manage': ['owner', 'admin'],
  'audit.read': ['owner', 'admin'],
  'audit.verify': ['owner'],
  'apikeys.read': ['owner', 'admin', 'member', 'viewer'],
  'apikeys.manage': ['owner', 'admin'],
  'validation.use': ['owner', 'admin', 'member', 'viewer'],
  'bulk.read': ['owner', 'admin', 'member', 'viewer'],
  'bulk.manage': ['owner', 'admin', 'member'],
  'webhooks.read': ['owner', 'admin'],
  'webhooks.manage': ['owner', 'admin'],
  'policy.read': ['owner', 'admin', 'member', 'viewer'],
  'policy.manage': ['owner', 'admin'],
  'contacts.read': ['owner', 'admin', 'member', 'viewer'],
  'contacts.write': ['owner', 'admin', 'member'],
  'contacts.erase': ['owner', 'admin'],
  'lists.manage': ['owner', 'admin'],
  'suppressions.manage': ['owner', 'admin'],
  'mailboxes.view': ['owner', 'admin', 'member', 'viewer'],
  'mailboxes.send': ['owner', 'admin', 'member'],
  'mailboxes.manage': ['owner', 'admin'],
  'campaigns.view': ['owner', 'admin', 'member', 'viewer'],
  'campaigns.manage': ['owner', 'admin', 'member'],
  'campaigns.send': ['owner', 'admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export const PERMISSION_TEXT: Record<Permission, string> = {
  'workspace.read': 'See the workspace',
  'workspace.rename': 'Rename the workspace',
  'workspace.security': 'Require two-factor authentication of every member',
  'workspace.ownership':
    'Transfer ownership to another member; delete the workspace (30 days of grace) or cancel its deletion',
  'members.read': 'See members and pending invitations',
  'members.manage': 'Invite, change roles of and remove members (only owners grant or remove ownership)',
  'audit.read': 'Read, filter and export the audit log',
  'audit.verify': 'Verify the audit log chain',
  'apikeys.read': 'See API keys (names, prefixes, usage) and the plan usage',
  'apikeys.manage': 'Create, roll and revoke API keys',
  'validation.use': 'Check single addresses (results are never stored)',
  'bulk.read': 'See bulk verification jobs, their progress and download their results',
  'bulk.manage': 'Upload, cancel, retry and delete bulk verification jobs',
  'webhooks.read': 'See webhook endpoints and their delivery log',
  'webhooks.manage':
    'Create, change, delete webhook endpoints; reveal and rotate signing secrets; re-send deliveries',
  'policy.read': "See the workspace's validation policy",
  'policy.manage': 'Change the validation policy and dry-run a draft of it',
  'contacts.read':
    "See contacts, lists, subscriptions, consent timelines and the suppression list; download a contact's data (audited)",
  'contacts.write': 'Add, change, import, subscribe, unsubscribe and delete contacts',
  'contacts.erase':
    'Erase a person (GDPR Art. 17): their contact, subscriptions and readable consent data, for good',
  'lists.manage': 'Create, change and delete lists (consent texts, double opt-in, confirmation email)',
  'suppressions.manage': 'Add and remove manual suppressions; export the suppression list',
  'mailboxes.view': 'See connected email accounts (names, status, settings; never their passwords)',
  'mailboxes.send':
    'Send through connected email accounts, test their connection and check their sender authentication',
  'mailboxes.manage':
    'Connect and disconnect email accounts, replace their credentials, edit their sender identity and prove aliases',
  'campaigns.view': 'See campaigns, their pre-send checklist, previews and metrics',
  'campaigns.manage': 'Create, change, duplicate and delete draft campaigns',
  'campaigns.send':
    'Schedule, pause, resume and cancel campaigns, send test messages and set the postal address of campaign footers',
};

export const can = (role: Role, permission: Permission) =>
  (PERMISSIONS[permission] as readonly Role[]).includes(role);

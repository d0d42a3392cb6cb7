// The workspace's pages, in navigation order: the one place a new page is added (#17). Each names its
// URL section, its label and icon in the navigation, what a role needs to open it, and its routes
// (loaded on demand: they bring the contracts' validators, i.e. zod, and charts, which the shell's
// first bundle must not). The router, the navigation and the access check all read this list.
import type { Permission } from '@postern/contracts/constants';
import type { ComponentType } from 'react';
import {
  CogIcon,
  ContactIcon,
  HomeIcon,
  type Icon,
  InboxIcon,
  KeyIcon,
  ListChecksIcon,
  MailCheckIcon,
  NewspaperIcon,
  ScrollIcon,
  SendIcon,
  ShieldBanIcon,
  SlidersIcon,
  UsersIcon,
  WebhookIcon,
} from '../../components/icons.tsx';

export interface SectionRoute {
  /** Below /w/:workspaceId. */
  path: string;
  load: () => Promise<ComponentType>;
}

export interface SectionDefinition {
  id: string;
  label: string;
  icon: Icon;
  permission: Permission;
  routes: readonly SectionRoute[];
}

export const SECTIONS = [
  {
    id: 'home',
    label: 'Home',
    icon: HomeIcon,
    permission: 'workspace.read',
    routes: [{ path: 'home', load: async () => (await import('../home/home-page.tsx')).HomePage }],
  },
  {
    id: 'check',
    label: 'Check address',
    icon: MailCheckIcon,
    permission: 'validation.use',
    routes: [{ path: 'check', load: async () => (await import('../check/check-page.tsx')).CheckPage }],
  },
  {
    id: 'jobs',
    label: 'Bulk jobs',
    icon: ListChecksIcon,
    permission: 'bulk.read',
    routes: [
      { path: 'jobs', load: async () => (await import('../bulk/jobs-page.tsx')).JobsPage },
      { path: 'jobs/new', load: async () => (await import('../bulk/upload-page.tsx')).UploadPage },
      { path: 'jobs/:jobId', load: async () => (await import('../bulk/job-page.tsx')).JobPage },
    ],
  },
  {
    id: 'policy',
    label: 'Validation policy',
    icon: SlidersIcon,
    permission: 'policy.read',
    routes: [{ path: 'policy', load: async () => (await import('../policies/policy-page.tsx')).PolicyPage }],
  },
  {
    id: 'members',
    label: 'Members',
    icon: UsersIcon,
    permission: 'members.read',
    routes: [
      { path: 'members', load: async () => (await import('../members/members-page.tsx')).MembersPage },
    ],
  },
  {
    id: 'api-keys',
    label: 'API keys',
    icon: KeyIcon,
    permission: 'apikeys.read',
    routes: [
      { path: 'api-keys', load: async () => (await import('../api-keys/api-keys-page.tsx')).ApiKeysPage },
    ],
  },
  {
    id: 'webhooks',
    label: 'Webhooks',
    icon: WebhookIcon,
    permission: 'webhooks.read',
    routes: [
      { path: 'webhooks', load: async () => (await import('../webhooks/webhooks-page.tsx')).WebhooksPage },
      {
        path: 'webhooks/:endpointId',
        load: async () => (await import('../webhooks/endpoint-page.tsx')).EndpointPage,
      },
    ],
  },
  {
    id: 'audit',
    label: 'Audit log',
    icon: ScrollIcon,
    permission: 'audit.read',
    routes: [{ path: 'audit', load: async () => (await import('../audit/audit-page.tsx')).AuditPage }],
  },
  {
    id: 'mailboxes',
    label: 'Email accounts',
    icon: InboxIcon,
    permission: 'mailboxes.view',
    routes: [
      {
        path: 'mailboxes',
        load: async () => (await import('../mailboxes/mailboxes-page.tsx')).MailboxesPage,
      },
      {
        path: 'mailboxes/:mailboxId',
        load: async () => (await import('../mailboxes/mailbox-page.tsx')).MailboxPage,
      },
    ],
  },
  {
    id: 'contacts',
    label: 'Contacts',
    icon: ContactIcon,
    permission: 'contacts.read',
    routes: [
      { path: 'contacts', load: async () => (await import('../contacts/contacts-page.tsx')).ContactsPage },
      {
        path: 'contacts/:contactId',
        load: async () => (await import('../contacts/contact-page.tsx')).ContactPage,
      },
    ],
  },
  {
    id: 'lists',
    label: 'Lists',
    icon: NewspaperIcon,
    permission: 'contacts.read',
    routes: [
      { path: 'lists', load: async () => (await import('../lists/lists-page.tsx')).ListsPage },
      { path: 'lists/:listId', load: async () => (await import('../lists/list-page.tsx')).ListPage },
      {
        path: 'lists/:listId/import',
        load: async () => (await import('../contact-import/import-wizard-page.tsx')).ImportWizardPage,
      },
      {
        path: 'lists/:listId/imports/:importId',
        load: async () => (await import('../contact-import/import-page.tsx')).ImportPage,
      },
    ],
  },
  {
    id: 'compliance',
    label: 'Compliance',
    icon: ShieldBanIcon,
    permission: 'contacts.read',
    routes: [
      {
        path: 'compliance',
        load: async () => (await import('../compliance/compliance-page.tsx')).CompliancePage,
      },
    ],
  },
  {
    id: 'campaigns',
    label: 'Campaigns',
    icon: SendIcon,
    permission: 'campaigns.view',
    routes: [
      {
        path: 'campaigns',
        load: async () => (await import('../campaigns/campaigns-page.tsx')).CampaignsPage,
      },
      {
        path: 'campaigns/new',
        load: async () => (await import('../campaigns/new-campaign-page.tsx')).NewCampaignPage,
      },
      {
        path: 'campaigns/:campaignId',
        load: async () => (await import('../campaigns/campaign-page.tsx')).CampaignPage,
      },
    ],
  },
  {
    id: 'settings',
    label: 'Settings',
    icon: CogIcon,
    permission: 'workspace.read',
    routes: [
      {
        path: 'settings',
        load: async () =>
          (await import('../workspace-settings/workspace-settings-page.tsx')).WorkspaceSettingsPage,
      },
    ],
  },
] as const satisfies readonly SectionDefinition[];

export type WorkspaceSection = (typeof SECTIONS)[number]['id'];

export function sectionDefinition(id: WorkspaceSection): SectionDefinition {
  return SECTIONS.find((section) => section.id === id) as SectionDefinition;
}

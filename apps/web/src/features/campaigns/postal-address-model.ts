// The postal-address form (pure: testable): the workspace's address and each sender's override as
// editable texts, and the update a save sends (the workspace's address, and only the senders whose
// override changed; an emptied one is cleared).
import type { CampaignSettingsDto as CampaignSettings } from '@postern/contracts';

export interface AddressForm {
  workspace: string;
  senders: Record<string, string>;
}

export function addressFormOf(settings: CampaignSettings): AddressForm {
  return {
    workspace: settings.postalAddress ?? '',
    senders: Object.fromEntries(
      settings.senders.map((sender) => [sender.mailboxId, sender.postalAddress ?? '']),
    ),
  };
}

/** The update: the workspace's address, and the senders whose override changed (empty clears it). */
export function settingsUpdate(settings: CampaignSettings, form: AddressForm) {
  const senders = settings.senders
    .filter((sender) => (form.senders[sender.mailboxId] ?? '').trim() !== (sender.postalAddress ?? ''))
    .map((sender) => ({
      mailboxId: sender.mailboxId,
      postalAddress: (form.senders[sender.mailboxId] ?? '').trim() || null,
    }));
  return { postalAddress: form.workspace.trim() || null, ...(senders.length ? { senders } : {}) };
}

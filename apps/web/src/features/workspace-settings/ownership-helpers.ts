// Who ownership can go to (pure, tested): another member who is not already an owner, by address.

export interface TransferMember {
  id: string;
  email: string;
  role: string;
  you: boolean;
}

export function transferCandidates<M extends TransferMember>(members: readonly M[]): M[] {
  return members
    .filter((member) => !member.you && member.role !== 'owner')
    .sort((a, b) => a.email.localeCompare(b.email));
}

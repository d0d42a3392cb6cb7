export * from './dev-mailbox.ts';
export * from './messages.ts';
export * from './outbox.ts';
export * from './transport.ts';

export * from './messages.ts';
export * from './outbox.ts';
export * from './transport.ts';

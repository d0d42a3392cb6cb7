// The email verification engine: syntax, DNS, SMTP probe, lists, typo suggestions. No database and
// no Redis, so it is usable on its own as a library.
export * from './types.ts';
export * from './verdict.ts';

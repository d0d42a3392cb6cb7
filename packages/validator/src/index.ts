// The email verification engine: syntax, DNS, SMTP probe, lists, typo suggestions. No database and
// no Redis, so it is usable on its own as a library.
export * from './dns/index.ts';
export * from './engine.ts';
export * from './health.ts';
export * from './lists/index.ts';
export * from './mta-sts/index.ts';
export * from './smtp/index.ts';
export * from './syntax/index.ts';
export * from './types.ts';
export * from './verdict.ts';
export * from './verifier.ts';

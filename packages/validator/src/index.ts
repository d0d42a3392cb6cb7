// The email verification engine: syntax, DNS, SMTP probe, lists, typo suggestions. No database and
// no Redis, so it is usable on its own as a library. Its public API arrives with the issue
// "The verification engine and the single check"; until then this package exports nothing.
export {};

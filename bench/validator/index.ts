// Validator benchmark: parseAddress addresses/s on one core (ASCII and mixed corpora), uncached
// DNS-stage lookups against a local DNS server, and enhanced SMTP probes against local SMTP
// servers with injected latency. Last line: one JSON object of figures.
import { benchDns } from './dns.ts';
import { benchParse } from './parse.ts';
import { benchSmtp } from './smtp.ts';

const parse = await benchParse();
process.stderr.write(`parse: ${JSON.stringify(parse)}\n`);
const dns = await benchDns();
process.stderr.write(`dns: ${JSON.stringify(dns)}\n`);
const smtp = await benchSmtp();
process.stderr.write(`smtp: ${JSON.stringify(smtp)}\n`);
console.log(
  JSON.stringify({
    bench: 'validator',
    ...parse,
    ...dns,
    ...smtp,
    goals: { parse_ascii_per_s: 500_000, standard_check_p99_ms: 10 },
    goal_parse_met: (parse.parse_ascii_per_s ?? 0) >= 500_000,
    goal_dns_p99_met: (dns.dns_uncached_p99_ms ?? Infinity) < 10,
  }),
);
process.exit(0);

// The verifier options shared by the examples, from the environment:
//   VERIFIER_DNS_SERVERS  comma-separated resolvers ('1.1.1.1', '127.0.0.1:5353'); default: the system's
//   VERIFIER_HELO         EHLO name of the probe: a host name of yours that resolves (enables SMTP)
//   VERIFIER_MAIL_FROM    MAIL FROM of the probe: an address on a domain of yours
//   VERIFIER_SMTP_PORT    port of the MX hosts (25; a local test server elsewhere)
export function verifierOptions(env = process.env) {
  const servers = env.VERIFIER_DNS_SERVERS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    dns: { ...(servers?.length ? { servers } : {}), timeoutMs: 3000, tries: 2 },
    // Without smtp, depth 'enhanced' checks like 'standard' (no probe).
    ...(env.VERIFIER_HELO
      ? {
          smtp: {
            heloName: env.VERIFIER_HELO,
            mailFrom: env.VERIFIER_MAIL_FROM ?? '',
            port: Number(env.VERIFIER_SMTP_PORT ?? 25),
            connectTimeoutMs: 10_000,
            commandTimeoutMs: 10_000,
          },
        }
      : {}),
  };
}

// One address: node examples/verify.mjs ann@example.com [standard|enhanced]
// Prints the verdict (status, reason, action, flags) and what the DNS and SMTP stages found.
import { createVerifier, decide } from '@postern/validator';
import { verifierOptions } from './config.mjs';

const [address, depth = 'standard'] = process.argv.slice(2);
if (!address) {
  process.stderr.write('usage: node examples/verify.mjs <address> [standard|enhanced]\n');
  process.exit(2);
}
const verifier = createVerifier(verifierOptions());
try {
  const result = await verifier.verify(address, { depth });
  const verdict = decide(result);
  const evidence = { mx: result.dns?.outcome ?? null, smtp: result.smtp?.status ?? null };
  process.stdout.write(`${JSON.stringify({ address, ...verdict, evidence })}\n`);
} finally {
  await verifier.close();
}

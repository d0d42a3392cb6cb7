// Many addresses, one per line on standard input; one JSON line per address on standard output, in
// the order the checks end (`index` is the address's position in the input, from 0):
//   node examples/verify-many.mjs enhanced < list.txt > verdicts.ndjson
import { createInterface } from 'node:readline';
import { createVerifier, decide } from '@postern/validator';
import { verifierOptions } from './config.mjs';

const depth = process.argv[2] ?? 'standard';
const verifier = createVerifier(verifierOptions());
// Read lazily: verifyMany takes the next line only when a check makes room.
const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
const addresses = (async function* () {
  for await (const line of lines) if (line.trim()) yield line.trim();
})();
try {
  for await (const { index, address, result } of verifier.verifyMany(addresses, {
    depth,
    concurrency: 100,
  })) {
    const { status, reason } = decide(result);
    process.stdout.write(`${JSON.stringify({ index, address, status, reason })}\n`);
  }
} finally {
  await verifier.close();
}

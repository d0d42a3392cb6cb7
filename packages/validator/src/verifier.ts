// The engine's public API for one address or many. verify() is the single check (its own SMTP
// transaction, lowest latency); verifyMany() checks a stream of addresses with a bounded number in
// flight, and at depth `enhanced` the SMTP probes of addresses that share an MX host share its
// sessions (several pipelined RCPTs per transaction, see smtp/batch.ts). Both return the engine's
// evidence; decide() in verdict.ts turns it into a verdict.
import {
  createVerificationEngine,
  type VerificationEngine,
  type VerificationEngineOptions,
} from './engine.ts';
import type { Depth, EngineResult } from './types.ts';

/**
 * The engine's options. The SMTP probe's (`smtp`) include the politeness limits that matter for
 * many addresses: `maxRcptsPerSession` (default 20) and `maxConnectionsPerHost` (default 5, adaptive:
 * fewer while a host defers sessions).
 */
export type VerifierOptions = VerificationEngineOptions;

export interface VerifyOptions {
  /** `standard` (syntax, DNS, lists; the default) or `enhanced` (also MTA-STS and the SMTP probe). */
  depth?: Depth;
}

export interface VerifyManyOptions extends VerifyOptions {
  /**
   * Most addresses in flight at once (default 5,000). At depth `enhanced` they wait in their MX
   * host's queue, and a session takes what is queued when it starts: about twice N ×
   * maxConnectionsPerHost × maxRcptsPerSession (N MX hosts) keeps every allowed session full. It
   * also bounds memory.
   */
  concurrency?: number;
}

export interface VerifiedAddress {
  /** Position of the address in the input. */
  index: number;
  address: string;
  result: EngineResult;
}

export interface Verifier {
  verify(address: string, options?: VerifyOptions): Promise<EngineResult>;
  /**
   * Checks every address of `addresses` (read lazily, as results make room) and yields each result
   * as soon as it is known, so not in input order: `index` says which address it was. Stopping the
   * iteration early stops reading the input; checks already under way finish in the background.
   */
  verifyMany(
    addresses: Iterable<string> | AsyncIterable<string>,
    options?: VerifyManyOptions,
  ): AsyncIterable<VerifiedAddress>;
  /** The engine underneath (DNS stage, SMTP prober, resolver health). */
  readonly engine: VerificationEngine;
  /** Waits for running checks, then closes the SMTP sessions (QUIT) and stops the health canaries. */
  close(): Promise<void>;
}

export const DEFAULT_VERIFY_MANY_CONCURRENCY = 5000;
/** Checks started between two turns of the event loop while verifyMany fills its window. */
const YIELD_EVERY = 50;

function iteratorOf(
  addresses: Iterable<string> | AsyncIterable<string>,
): AsyncIterator<string> | Iterator<string> {
  return typeof addresses === 'object' && Symbol.asyncIterator in addresses
    ? (addresses as AsyncIterable<string>)[Symbol.asyncIterator]()
    : (addresses as Iterable<string>)[Symbol.iterator]();
}

/**
 * verifyMany over an engine built elsewhere (the bulk path's, say): the same as
 * `createVerifier().verifyMany`, with `engine.validate` at `batch: true`.
 */
export async function* verifyManyWith(
  engine: Pick<VerificationEngine, 'validate'>,
  addresses: Iterable<string> | AsyncIterable<string>,
  { depth = 'standard', concurrency = DEFAULT_VERIFY_MANY_CONCURRENCY }: VerifyManyOptions = {},
): AsyncGenerator<VerifiedAddress> {
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError('concurrency must be at least 1');
  const input = iteratorOf(addresses);
  const done: VerifiedAddress[] = [];
  let inFlight = 0;
  let index = 0;
  let exhausted = false;
  const failed: { error?: unknown; set: boolean } = { set: false };
  let wake: (() => void) | null = null;
  const settled = () => {
    inFlight--;
    wake?.();
    wake = null;
  };
  try {
    for (;;) {
      while (!exhausted && !failed.set && inFlight < concurrency && done.length === 0) {
        const next = await input.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        const i = index++;
        const address = next.value;
        // Each check runs synchronously up to its DNS lookup: let I/O in now and then, so the first
        // lookups are under way while the window fills.
        if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
        inFlight++;
        engine.validate(address, { depth, batch: true }).then(
          (result) => {
            done.push({ index: i, address, result });
            settled();
          },
          (error: unknown) => {
            if (!failed.set) Object.assign(failed, { error, set: true });
            settled();
          },
        );
      }
      if (failed.set) throw failed.error;
      const ready = done.shift();
      if (ready) {
        yield ready;
        continue;
      }
      if (exhausted && inFlight === 0) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    if (!exhausted) await input.return?.();
  }
}

/** The verification engine behind verify() and verifyMany(). */
export function createVerifier(options: VerifierOptions = {}): Verifier {
  const engine = createVerificationEngine(options);
  return {
    engine,
    verify: (address, { depth = 'standard' } = {}) => engine.validate(address, { depth }),
    verifyMany: (addresses, verifyOptions) => verifyManyWith(engine, addresses, verifyOptions),
    close: () => engine.close(),
  };
}

// @postern/validator as a library user outside this repository gets it: `pnpm pack` (publishConfig
// points the tarball at dist/), publint and attw, a plain `npm install` into a scratch project in the
// system's temp directory, strict type-checks under node16 and bundler resolution as ES module and
// CommonJS, and a program run from there that verifies addresses through the test DNS and SMTP
// servers: verify() at both depths, verifyMany() with its concurrency, and decide().
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  installScratch,
  lintTarball,
  pack,
  scratchDir,
  sh,
  typecheckConsumers,
} from '../../sdk/test/pack-helpers.ts';
import { startDnsServer, type TestDnsServer } from './support/dns-server.ts';
import { startSmtpServer, type TestSmtpServer } from './support/smtp-servers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};
// The types the engine's declarations use from Node.js (Buffer, net, tls) come from @types/node.
const TYPES_NODE = `@types/node@${
  (
    JSON.parse(readFileSync(join(ROOT, 'node_modules/@types/node/package.json'), 'utf8')) as {
      version: string;
    }
  ).version
}`;

/** dist/ is built by `turbo run build` (./postern test); built here when missing or older than src/. */
async function ensureBuilt(): Promise<void> {
  const built = join(ROOT, 'dist/index.mjs');
  const newest = Math.max(
    ...readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => statSync(join(ROOT, 'src', f)).mtimeMs),
  );
  let builtAt = 0;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {}
  if (builtAt < newest) await sh('pnpm', ['run', 'build'], { cwd: ROOT });
}

const ESM_CONSUMER = `import { createVerifier, decide, type EngineResult, type Verdict, type Verifier } from '@postern/validator';

const verifier: Verifier = createVerifier({
  dns: { servers: ['127.0.0.1:5353'], timeoutMs: 2000, tries: 2 },
  smtp: { heloName: 'verify.example.com', mailFrom: 'probe@example.com', commandTimeoutMs: 10_000 },
});
export async function one(address: string): Promise<Verdict> {
  const result: EngineResult = await verifier.verify(address, { depth: 'enhanced' });
  return decide(result);
}
export async function many(addresses: AsyncIterable<string>): Promise<number> {
  let n = 0;
  for await (const { index, result } of verifier.verifyMany(addresses, { depth: 'standard', concurrency: 50 })) {
    n += index + (result.syntax.valid ? 1 : 0);
  }
  await verifier.close();
  return n;
}
// @ts-expect-error: depths are standard and enhanced
verifier.verify('a@example.com', { depth: 'deep' });
`;

const CJS_CONSUMER = `import validator = require('@postern/validator');

export async function check(address: string): Promise<validator.Verdict['status']> {
  const verifier = validator.createVerifier({ dns: { servers: ['127.0.0.1'] } });
  try {
    return validator.decide(await verifier.verify(address)).status;
  } finally {
    await verifier.close();
  }
}
export const engine: validator.VerificationEngine = validator.createVerificationEngine({});
`;

// Plain JavaScript, run by node from the scratch project: argv = DNS server, SMTP port.
const ESM_PROGRAM = `import { createVerifier, decide } from '@postern/validator';

const [dnsServer, smtpPort] = process.argv.slice(2);
const verifier = createVerifier({
  dns: { servers: [dnsServer], timeoutMs: 1000, tries: 1 },
  smtp: { heloName: 'verify.postern.example', mailFrom: 'probe@postern.example', port: Number(smtpPort), commandTimeoutMs: 5000, connectTimeoutMs: 5000 },
});
const verdict = async (address, depth) => decide(await verifier.verify(address, { depth })).status;
const single = {
  standard: await verdict('ann@pack-mail.com', 'standard'),
  ann: await verdict('ann@pack-mail.com', 'enhanced'),
  bob: await verdict('bob@pack-mail.com', 'enhanced'),
  nullMx: await verdict('x@pack-nullmx.com', 'standard'),
  syntax: await verdict('not an address', 'standard'),
};
const many = {};
for await (const { index, address, result } of verifier.verifyMany(['ann@pack-mail.com', 'bob@pack-mail.com', 'cid@pack-mail.com'], { depth: 'enhanced', concurrency: 2 })) {
  many[address] = { index, status: decide(result).status };
}
await verifier.close();
console.log(JSON.stringify({ entry: import.meta.resolve('@postern/validator'), single, many }));
`;

const CJS_PROGRAM = `const { createVerifier, decide } = require('@postern/validator');

const verifier = createVerifier({ dns: { servers: [process.argv[2]], timeoutMs: 1000, tries: 1 } });
verifier
  .verify('ann@pack-mail.com')
  .then(async (result) => {
    await verifier.close();
    console.log(JSON.stringify({ entry: require.resolve('@postern/validator'), status: decide(result).status, mx: result.dns.outcome }));
  });
`;

describe('@postern/validator packed, installed with npm outside the workspace', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let tarball: string;
  let dns: TestDnsServer;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    await ensureBuilt();
    scratch = await scratchDir('validator-pack');
    tarball = await pack(ROOT, scratch.dir);
    await installScratch(scratch.dir, [tarball], [TYPES_NODE]);
    smtp = await startSmtpServer({ mailboxes: { ann: 'accept', bob: 'not_found' } });
    dns = await startDnsServer({
      'pack-mail.com': { mx: [{ exchange: smtp.host, priority: 10 }] },
      'pack-nullmx.com': { mx: [{ exchange: '.', priority: 0 }] },
    });
  });

  afterAll(async () => {
    await smtp?.close();
    await dns?.close();
    await scratch?.remove();
  });

  it('the tarball holds the build, README, LICENSE and examples; its dependencies are the runtime ones', async () => {
    const { stdout } = await sh('tar', ['-tzf', tarball], { cwd: scratch.dir });
    const files = stdout.trim().split('\n');
    for (const file of ['LICENSE', 'README.md', 'dist/index.mjs', 'dist/index.cjs', 'dist/index.d.mts']) {
      expect(files).toContain(`package/${file}`);
    }
    expect(files.filter((f) => f.startsWith('package/src/'))).toEqual([]);
    const installed = JSON.parse(
      readFileSync(join(scratch.dir, 'node_modules/@postern/validator/package.json'), 'utf8'),
    ) as { version: string; license: string; exports: unknown; dependencies: Record<string, string> };
    expect(installed).toMatchObject({ version: manifest.version, license: 'Apache-2.0' });
    expect(JSON.stringify(installed.exports)).not.toContain('src/');
    expect(Object.keys(installed.dependencies).sort()).toEqual(Object.keys(manifest.dependencies).sort());
    expect(Object.values(installed.dependencies).filter((v) => /workspace:|catalog:/.test(v))).toEqual([]);
  });

  it('publint and attw find no problem', async () => {
    const { publint, entrypoints, problems } = await lintTarball(tarball);
    expect(publint).not.toMatch(/Errors|Warnings|Suggestions/);
    expect(entrypoints).toEqual(['.', './package.json']);
    expect(problems).toEqual([]);
  });

  it('type-checks under strict node16 and bundler, as ESM and CJS', async () => {
    const files = await typecheckConsumers(scratch.dir, { esm: ESM_CONSUMER, cjs: CJS_CONSUMER }, ['node']);
    expect(files['node16-esm']).toMatch(/@postern\/validator\/dist\/index\.d\.mts/);
    expect(files['bundler-esm']).toMatch(/@postern\/validator\/dist\/index\.d\.mts/);
    expect(files['node16-cjs']).toMatch(/@postern\/validator\/dist\/index\.d\.cts/);
    expect(files['bundler-cjs']).toMatch(/@postern\/validator\/dist\/index\.d\.cts/);
  }, 120_000);

  it('verifies through the test DNS and SMTP servers, from ESM and CommonJS', async () => {
    await writeFile(join(scratch.dir, 'program.mjs'), ESM_PROGRAM);
    await writeFile(join(scratch.dir, 'program.cjs'), CJS_PROGRAM);
    const esm = JSON.parse(
      (await sh(process.execPath, ['program.mjs', dns.address, String(smtp.port)], { cwd: scratch.dir }))
        .stdout,
    );
    expect(esm.entry).toMatch(/node_modules\/@postern\/validator\/dist\/index\.mjs$/);
    expect(esm.single).toEqual({
      standard: 'deliverable',
      ann: 'deliverable',
      bob: 'undeliverable',
      nullMx: 'undeliverable',
      syntax: 'undeliverable',
    });
    expect(esm.many).toEqual({
      'ann@pack-mail.com': { index: 0, status: 'deliverable' },
      'bob@pack-mail.com': { index: 1, status: 'undeliverable' },
      'cid@pack-mail.com': { index: 2, status: 'undeliverable' },
    });
    expect(smtp.sessions.every((session) => session.heloName === 'verify.postern.example')).toBe(true);

    const cjs = JSON.parse(
      (await sh(process.execPath, ['program.cjs', dns.address], { cwd: scratch.dir })).stdout,
    );
    expect(cjs).toMatchObject({ status: 'deliverable' });
    expect(cjs.entry).toMatch(/node_modules\/@postern\/validator\/dist\/index\.cjs$/);
  }, 60_000);

  it('the examples in the package run as its README says', async () => {
    const examples = join(scratch.dir, 'node_modules/@postern/validator/examples');
    const env = {
      ...process.env,
      VERIFIER_DNS_SERVERS: dns.address,
      VERIFIER_HELO: 'verify.postern.example',
      VERIFIER_MAIL_FROM: 'probe@postern.example',
      VERIFIER_SMTP_PORT: String(smtp.port),
    };
    const one = await sh(process.execPath, [join(examples, 'verify.mjs'), 'bob@pack-mail.com', 'enhanced'], {
      cwd: scratch.dir,
      env,
    });
    expect(JSON.parse(one.stdout)).toMatchObject({
      address: 'bob@pack-mail.com',
      status: 'undeliverable',
      reason: 'mailbox_not_found',
    });
    await writeFile(
      join(scratch.dir, 'list.txt'),
      'ann@pack-mail.com\n\nx@pack-nullmx.com\nnot an address\n',
    );
    const many = await sh(
      'sh',
      ['-c', `"${process.execPath}" "${join(examples, 'verify-many.mjs')}" < list.txt`],
      {
        cwd: scratch.dir,
        env,
      },
    );
    const lines = many.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { index: number; status: string })
      .sort((a, b) => a.index - b.index);
    expect(lines.map((l) => l.status)).toEqual(['deliverable', 'undeliverable', 'undeliverable']);
  }, 60_000);
});

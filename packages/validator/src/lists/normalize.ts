import { domainToASCII } from 'node:url';

/** Lower case, no trailing dot, A-labels (the lists hold ASCII names). Empty when unusable. */
export function normalizeDomain(input: string): string {
  let domain = input.trim().toLowerCase();
  if (domain.endsWith('.')) domain = domain.slice(0, -1);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range test
  if (!/^[\x00-\x7f]*$/.test(domain)) domain = domainToASCII(domain);
  return domain;
}

/** The domain of an address (after the last `@`), or the input itself when it has none. */
export function domainOf(addressOrDomain: string): string {
  const at = addressOrDomain.lastIndexOf('@');
  return at === -1 ? addressOrDomain : addressOrDomain.slice(at + 1);
}

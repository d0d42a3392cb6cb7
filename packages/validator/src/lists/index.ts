export { isDisposableDomain, isFreeProvider, preloadLists } from './domains.ts';
export { isRoleAccount } from './roles.ts';
export { BIG_PROVIDER_DOMAINS, type DomainSuggestion, suggestDomain } from './typos.ts';

// The DNS stage. See resolver.ts for the outcomes and the cache.
export {
  createDnsStage,
  type DnsCacheOptions,
  type DnsStage,
  type DnsStageOptions,
  type DnsStats,
  type HostAddress,
  type TxtResult,
} from './resolver.ts';

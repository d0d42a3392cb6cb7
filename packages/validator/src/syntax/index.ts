// Syntax stage: parse and canonicalise one address (see docs/validation-syntax.md).
export {
  MAX_ADDRESS_OCTETS,
  MAX_DOMAIN_OCTETS,
  MAX_LABEL_OCTETS,
  MAX_LOCAL_OCTETS,
  parseAddress,
  SPECIAL_USE_TLDS,
} from './parse.ts';

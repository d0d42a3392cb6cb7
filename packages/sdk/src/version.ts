/** The SDK's version, sent as the `x-postern-sdk` header. A test keeps it equal to package.json's. */
export const SDK_VERSION = '0.4.0';

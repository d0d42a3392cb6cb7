// Limits both ends must agree on (no zod here: the dashboard's first bundle imports this file's types).

/**
 * Most procedure calls in one batched tRPC request (`/trpc/a,b,c?batch=1`). The server refuses a
 * bigger batch with BAD_REQUEST; the dashboard's httpBatchLink splits its batches at this size.
 */
export const TRPC_MAX_BATCH_SIZE = 20 as const;

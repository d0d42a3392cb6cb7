// The campaign types written out in src/campaigns-types.ts are exactly what the API's zod schemas
// produce (checked by `pnpm typecheck`, which covers this file, and by vitest's expectTypeOf).
import type {
  ZCampaign,
  ZCampaignCounters,
  ZCampaignMetrics,
  ZCampaignPage,
  ZCampaignSummary,
  ZCreateCampaign,
  ZSchedule,
} from '@postern/contracts';
import { expectTypeOf, it } from 'vitest';
import type * as Sdk from '../src/index.ts';

type Out<Schema extends { _zod: { output: unknown } }> = Schema['_zod']['output'];
type In<Schema extends { _zod: { input: unknown } }> = Schema['_zod']['input'];

it('the written-out campaign types are the outputs of the API schemas', () => {
  expectTypeOf<Sdk.Campaign>().toEqualTypeOf<Out<typeof ZCampaign>>();
  expectTypeOf<Sdk.CampaignSummary>().toEqualTypeOf<Out<typeof ZCampaignSummary>>();
  expectTypeOf<Sdk.CampaignPage>().toEqualTypeOf<Out<typeof ZCampaignPage>>();
  expectTypeOf<Sdk.CampaignCounters>().toEqualTypeOf<Out<typeof ZCampaignCounters>>();
  expectTypeOf<Sdk.CampaignMetrics>().toEqualTypeOf<Out<typeof ZCampaignMetrics>>();
});

it('what the SDK sends fits the API schemas', () => {
  expectTypeOf<Sdk.CampaignInput>().toExtend<In<typeof ZCreateCampaign>>();
  expectTypeOf<Omit<Sdk.ScheduleOptions, 'signal' | 'timeoutMs'>>().toExtend<In<typeof ZSchedule>>();
});

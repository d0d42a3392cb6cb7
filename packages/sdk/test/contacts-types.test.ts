// The audience types written out in src/contacts-types.ts are exactly what the API's zod schemas
// produce (checked by `pnpm typecheck`, which covers this file, and by vitest's expectTypeOf).
import type {
  ZAddSuppressionsResult,
  ZConsentTextVersion,
  ZConsentTimelineEntry,
  ZContact,
  ZContactExport,
  ZContactList,
  ZContactPage,
  ZContactSubscription,
  ZCreateContact,
  ZSubscribeResult,
  ZSuppression,
  ZSuppressionPage,
  ZUpdateContact,
} from '@postern/contracts';
import { expectTypeOf, it } from 'vitest';
import type * as Sdk from '../src/index.ts';

type Out<Schema extends { _zod: { output: unknown } }> = Schema['_zod']['output'];
type In<Schema extends { _zod: { input: unknown } }> = Schema['_zod']['input'];

it('the written-out audience types are the outputs of the API schemas', () => {
  expectTypeOf<Sdk.Contact>().toEqualTypeOf<Out<typeof ZContact>>();
  expectTypeOf<Sdk.ContactSubscription>().toEqualTypeOf<Out<typeof ZContactSubscription>>();
  expectTypeOf<Sdk.ContactPage>().toEqualTypeOf<Out<typeof ZContactPage>>();
  expectTypeOf<Sdk.ContactList>().toEqualTypeOf<Out<typeof ZContactList>>();
  expectTypeOf<Sdk.ConsentTextVersion>().toEqualTypeOf<Out<typeof ZConsentTextVersion>>();
  expectTypeOf<Sdk.ConsentTimelineEntry>().toEqualTypeOf<Out<typeof ZConsentTimelineEntry>>();
  expectTypeOf<Sdk.SubscribeResult>().toEqualTypeOf<Out<typeof ZSubscribeResult>>();
  expectTypeOf<Sdk.Suppression>().toEqualTypeOf<Out<typeof ZSuppression>>();
  expectTypeOf<Sdk.SuppressionPage>().toEqualTypeOf<Out<typeof ZSuppressionPage>>();
  expectTypeOf<Sdk.AddSuppressionsResult>().toEqualTypeOf<Out<typeof ZAddSuppressionsResult>>();
  expectTypeOf<Sdk.ContactExport>().toEqualTypeOf<Out<typeof ZContactExport>>();
});

it('what the SDK sends fits the API schemas', () => {
  expectTypeOf<Sdk.ContactInput>().toExtend<In<typeof ZCreateContact>>();
  expectTypeOf<Sdk.ContactUpdate>().toExtend<In<typeof ZUpdateContact>>();
});

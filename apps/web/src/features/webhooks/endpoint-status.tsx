// An endpoint's state as a badge (enabled / failing / disabled), its reason in the title and,
// optionally, spelled out underneath.
import { Badge } from '../../components/badge.tsx';
import { type EndpointStateFields, endpointState } from './webhooks-model.ts';

export function EndpointStatusBadge({
  endpoint,
  testId,
}: {
  endpoint: EndpointStateFields;
  testId?: string;
}) {
  const state = endpointState(endpoint);
  return (
    <Badge tone={state.tone} dot testId={testId} title={state.reason ?? undefined}>
      <span data-state={state.key}>{state.label}</span>
    </Badge>
  );
}

export function EndpointReason({ endpoint, testId }: { endpoint: EndpointStateFields; testId?: string }) {
  const state = endpointState(endpoint);
  if (!state.reason) return null;
  return (
    <p
      data-testid={testId}
      className={state.tone === 'rose' ? 'text-xs text-rose-700' : 'text-xs text-amber-800'}
    >
      {state.reason}
    </p>
  );
}

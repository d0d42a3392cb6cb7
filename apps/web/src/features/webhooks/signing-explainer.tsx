// How deliveries are signed (Standard Webhooks): shown in the empty state and next to the secret.

export function SigningExplainer({ className }: { className?: string }) {
  return (
    <div className={className} data-testid="signing-explainer">
      <p>
        Every request carries three headers, as in the{' '}
        <a
          href="https://www.standardwebhooks.com/"
          target="_blank"
          rel="noreferrer"
          className="font-medium text-indigo-600 hover:text-indigo-500"
        >
          Standard Webhooks
        </a>{' '}
        specification:
      </p>
      <ul className="mt-2 space-y-1 text-left">
        <li>
          <code className="font-mono text-xs text-slate-800">webhook-id</code>: the same on every retry and
          re-send of a delivery, to ignore duplicates;
        </li>
        <li>
          <code className="font-mono text-xs text-slate-800">webhook-timestamp</code>: when it was sent
          (refuse old ones, against replays);
        </li>
        <li>
          <code className="font-mono text-xs text-slate-800">webhook-signature</code>:{' '}
          <code className="font-mono text-xs">v1,</code> + an HMAC-SHA256 of{' '}
          <code className="font-mono text-xs">id.timestamp.body</code> with the endpoint's secret (
          <code className="font-mono text-xs">whsec_…</code>).
        </li>
      </ul>
    </div>
  );
}

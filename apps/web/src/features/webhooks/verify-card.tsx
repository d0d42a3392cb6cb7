// How to verify deliveries in a receiver (Node, with the SDK's verifyWebhook).
import { Card } from '../../components/card.tsx';
import { CopyButton } from '../../components/copy-button.tsx';
import { verifySnippet } from './webhooks-model.ts';

export function VerifyCard() {
  const code = verifySnippet();
  return (
    <Card
      id="verify-signatures"
      testId="verify-card"
      title="Verify the signature"
      description="Check every request before trusting it: the signature covers its id, timestamp and exact body."
    >
      <div
        className="overflow-hidden rounded-lg bg-slate-900 ring-1 ring-slate-900/10"
        data-testid="verify-snippet"
      >
        <div className="flex items-center justify-between border-b border-white/10 px-4 py-2">
          <span className="text-xs font-medium text-slate-400">Node.js · @postern/sdk</span>
          <CopyButton
            text={code}
            label="Copy"
            variant="ghost"
            className="px-2 py-1 text-xs text-slate-300 hover:bg-white/10 hover:text-white"
          />
        </div>
        <pre
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard to scroll it.
          tabIndex={0}
          className="max-h-96 overflow-auto px-4 py-3 font-mono text-xs leading-relaxed text-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-400"
        >
          <code>{code}</code>
        </pre>
      </div>
      <p className="mt-3 text-xs text-slate-500">
        <code className="font-mono">verifyWebhook</code> throws on a wrong signature and on a timestamp more
        than 5 minutes off (replays); it returns the parsed event. During a rotation overlap each request
        carries two signatures: the old and the new secret both verify it (it also accepts a list of secrets).
      </p>
    </Card>
  );
}

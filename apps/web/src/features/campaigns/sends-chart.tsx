// Messages sent per hour (or day) as bars (recharts: loaded only with the campaign page's report).
// Drawn like the API keys' usage chart; the buckets come from campaigns.metrics, oldest first.
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCount } from './campaigns-model.ts';

export interface SendsPoint {
  at: string;
  sent: number;
}

/** "6 Dec, 14:00" for hourly buckets, "6 Dec" for daily ones, in the viewer's zone. */
export function bucketLabel(iso: string, bucket: 'hour' | 'day'): string {
  const options: Intl.DateTimeFormatOptions =
    bucket === 'hour'
      ? { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }
      : { day: 'numeric', month: 'short' };
  return new Date(iso).toLocaleString('en-GB', options);
}

function SendsTooltip({
  active,
  label,
  payload,
  bucket,
}: {
  active?: boolean;
  label?: string | number;
  payload?: ReadonlyArray<{ value?: unknown }>;
  bucket: 'hour' | 'day';
}) {
  if (!active || !payload?.length) return null;
  const sent = Number(payload[0]?.value ?? 0);
  return (
    <div className="rounded-lg bg-white px-3 py-2 text-xs shadow-lg ring-1 ring-slate-900/10">
      <p className="font-medium text-slate-900">{bucketLabel(String(label), bucket)}</p>
      <p className="mt-1 text-slate-600 tabular-nums">
        {formatCount(sent)} {sent === 1 ? 'message' : 'messages'} sent
      </p>
    </div>
  );
}

export function SendsChart({ series, bucket }: { series: readonly SendsPoint[]; bucket: 'hour' | 'day' }) {
  return (
    <div className="h-64 w-full" data-testid="sends-chart" data-points={series.length}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={[...series]} margin={{ top: 8, right: 8, bottom: 0, left: -12 }}>
          <CartesianGrid vertical={false} stroke="#e2e8f0" />
          <XAxis
            dataKey="at"
            tickFormatter={(at: string) => bucketLabel(at, bucket)}
            tick={{ fontSize: 11, fill: '#64748b' }}
            tickLine={false}
            axisLine={{ stroke: '#cbd5e1' }}
            minTickGap={24}
          />
          <YAxis
            allowDecimals={false}
            tick={{ fontSize: 11, fill: '#64748b' }}
            tickLine={false}
            axisLine={false}
            width={48}
          />
          <Tooltip
            cursor={{ fill: '#eef2ff', opacity: 0.6 }}
            content={(props) => (
              <SendsTooltip
                active={props.active}
                label={props.label}
                payload={props.payload as ReadonlyArray<{ value?: unknown }> | undefined}
                bucket={bucket}
              />
            )}
          />
          <Bar dataKey="sent" name="Sent" fill="#4f46e5" maxBarSize={28} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

// Requests per key per day as stacked bars, days with usage alerts marked by a red line (recharts:
// loaded only with this chart).
import {
  Bar,
  BarChart,
  CartesianGrid,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { CHART_MARGIN, GRID, TOOLTIP_CURSOR, X_AXIS, Y_AXIS } from '../../components/chart-style.ts';
import { alertsByDay, chartRows, SERIES_COLOURS, shortDay, type UsageSeries } from './api-keys-model.ts';

const NUMBER = new Intl.NumberFormat('en');

interface TooltipEntry {
  dataKey?: string | number | ((row: unknown) => unknown);
  value?: number | string | readonly (number | string)[];
  color?: string;
}

function UsageTooltip({
  active,
  label,
  payload,
  names,
}: {
  active?: boolean;
  label?: string | number;
  payload?: readonly TooltipEntry[];
  names: ReadonlyMap<string, string>;
}) {
  if (!active || !payload?.length) return null;
  const rows = payload.filter((entry) => Number(entry.value) > 0);
  const total = payload.reduce((sum, entry) => sum + Number(entry.value ?? 0), 0);
  return (
    <div className="rounded-lg bg-white px-3 py-2 text-xs shadow-lg ring-1 ring-slate-900/10">
      <p className="font-medium text-slate-900">
        {shortDay(String(label))} · {NUMBER.format(total)} {total === 1 ? 'request' : 'requests'}
      </p>
      {rows.length ? (
        <ul className="mt-1.5 space-y-1">
          {rows.map((entry) => (
            <li key={String(entry.dataKey)} className="flex items-center gap-2 text-slate-600">
              <span aria-hidden="true" className="size-2 rounded-full" style={{ background: entry.color }} />
              <span className="flex-1">{names.get(String(entry.dataKey)) ?? 'Key'}</span>
              <span className="font-medium text-slate-900 tabular-nums">
                {NUMBER.format(Number(entry.value))}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function UsageChart({
  usage,
  colours,
}: {
  usage: UsageSeries & { alerts: readonly { createdAt: string }[] };
  colours: ReadonlyMap<string, string>;
}) {
  const rows = chartRows(usage);
  const alertDays = [...alertsByDay(usage.alerts)].filter(([day]) => usage.days.includes(day));
  const names = new Map(usage.series.map((series) => [series.keyId, series.name]));
  return (
    <div className="h-72 w-full" data-testid="usage-chart" data-alert-days={alertDays.length}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={CHART_MARGIN}>
          <CartesianGrid {...GRID} />
          <XAxis dataKey="day" tickFormatter={(day: string) => shortDay(day)} {...X_AXIS} />
          <YAxis {...Y_AXIS} />
          <Tooltip
            cursor={TOOLTIP_CURSOR}
            content={(props) => (
              <UsageTooltip
                active={props.active}
                label={props.label}
                payload={props.payload as readonly TooltipEntry[] | undefined}
                names={names}
              />
            )}
          />
          {alertDays.map(([day, count]) => (
            <ReferenceLine
              key={`alert-${day}`}
              x={day}
              stroke="#e11d48"
              strokeDasharray="3 3"
              label={{
                value: count > 1 ? `⚠ ${count}` : '⚠',
                position: 'top',
                fill: '#e11d48',
                fontSize: 11,
              }}
            />
          ))}
          {usage.series.map((series, index) => (
            <Bar
              key={series.keyId}
              dataKey={series.keyId}
              name={series.name}
              stackId="requests"
              fill={colours.get(series.keyId) ?? SERIES_COLOURS[index % SERIES_COLOURS.length]}
              maxBarSize={28}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

// The verdicts of a job as a donut (recharts: loaded only with this chart), the share checked in the
// middle. The legend with counts is drawn by the page, outside the chart (see job-page.tsx).
import { Pie, PieChart, ResponsiveContainer, Tooltip } from 'recharts';
import { type ChartSegment, formatCount, formatShare } from './bulk-model.ts';

interface TooltipEntry {
  payload?: { label?: string; count?: number; share?: number; fill?: string };
}

function SegmentTooltip({ active, payload }: { active?: boolean; payload?: readonly TooltipEntry[] }) {
  const entry = payload?.[0]?.payload;
  if (!active || !entry) return null;
  return (
    <div className="rounded-lg bg-white px-3 py-2 text-xs shadow-lg ring-1 ring-slate-900/10">
      <p className="flex items-center gap-2 font-medium text-slate-900">
        <span aria-hidden="true" className="size-2 rounded-full" style={{ background: entry.fill }} />
        {entry.label}
      </p>
      <p className="mt-1 text-slate-600 tabular-nums">
        {formatCount(entry.count ?? 0)} · {formatShare(entry.share ?? 0)}
      </p>
    </div>
  );
}

export function StatusChart({ segments, centre }: { segments: ChartSegment[]; centre: string }) {
  const data = segments.map((segment) => ({ ...segment, fill: segment.colour }));
  return (
    <div className="relative size-52 shrink-0" data-testid="status-chart">
      <ResponsiveContainer width="100%" height="100%">
        <PieChart>
          <Pie
            data={data}
            dataKey="count"
            nameKey="label"
            innerRadius="68%"
            outerRadius="100%"
            paddingAngle={data.length > 1 ? 1.5 : 0}
            stroke="#ffffff"
            strokeWidth={1}
            startAngle={90}
            endAngle={-270}
            isAnimationActive={false}
          />
          <Tooltip
            content={(props) => (
              <SegmentTooltip
                active={props.active}
                payload={props.payload as readonly TooltipEntry[] | undefined}
              />
            )}
          />
        </PieChart>
      </ResponsiveContainer>
      <div className="pointer-events-none absolute inset-0 flex flex-col items-center justify-center">
        <span className="text-2xl font-semibold text-slate-900 tabular-nums" data-testid="chart-centre">
          {centre}
        </span>
        <span className="text-xs text-slate-500">checked</span>
      </div>
    </div>
  );
}

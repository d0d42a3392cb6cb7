// How the dashboard's bar charts look (recharts props shared by the API usage and campaign sends
// charts): quiet axes with small slate ticks, horizontal grid lines only, an indigo hover band.

export const CHART_MARGIN = { top: 8, right: 8, bottom: 0, left: -12 };

const TICK = { fontSize: 11, fill: '#64748b' };

/** The horizontal axis: one tick per bar as room allows. */
export const X_AXIS = {
  tick: TICK,
  tickLine: false,
  axisLine: { stroke: '#cbd5e1' },
  minTickGap: 24,
} as const;

/** The vertical axis: whole counts, no line. */
export const Y_AXIS = {
  allowDecimals: false,
  tick: TICK,
  tickLine: false,
  axisLine: false,
  width: 48,
} as const;

export const GRID = { vertical: false, stroke: '#e2e8f0' } as const;

export const TOOLTIP_CURSOR = { fill: '#eef2ff', opacity: 0.6 };

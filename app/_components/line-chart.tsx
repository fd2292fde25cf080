import { formatDay } from '@/lib/dashboard/format';

export interface ChartSeries {
  label: string;
  /** x in unix milliseconds; null y leaves a gap */
  points: { x: number; y: number | null }[];
}

const WIDTH = 720;
const HEIGHT = 260;
const PAD = { top: 16, right: 16, bottom: 36, left: 64 };

/** 0, 1, 2, 2.5, 5 × 10^n steps giving about `count` ticks from the data's range. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0];
  if (min === max) {
    max = min + 1;
    min = Math.max(0, min - 1);
  }
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let tick = Math.floor(min / step) * step; tick <= max + step * 1e-9; tick += step) ticks.push(Number(tick.toPrecision(12)));
  if (ticks[ticks.length - 1]! < max) ticks.push(ticks[ticks.length - 1]! + step);
  return ticks;
}

/**
 * A server-rendered SVG time series: labelled axes, one line per series, and a
 * text summary (role="img" with title and description) for screen readers.
 */
export function LineChart({
  id,
  title,
  series,
  unit = '',
  yMin,
  yMax,
  summary,
}: {
  id: string;
  title: string;
  series: ChartSeries[];
  unit?: string;
  yMin?: number;
  yMax?: number;
  summary: string;
}) {
  const values = series.flatMap((s) => s.points.map((p) => p.y).filter((y): y is number => y !== null));
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  if (values.length === 0 || xs.length === 0) {
    return <p className="muted">{title}: no data yet.</p>;
  }
  const ticks = niceTicks(yMin ?? Math.min(0, ...values), yMax ?? Math.max(...values));
  const low = ticks[0]!;
  const high = ticks[ticks.length - 1]!;
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs) === xMin ? xMin + 1 : Math.max(...xs);
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const sx = (x: number) => PAD.left + ((x - xMin) / (xMax - xMin)) * innerW;
  const sy = (y: number) => PAD.top + innerH - ((y - low) / (high - low || 1)) * innerH;
  const dayTicks: number[] = [];
  const dayMs = 86_400_000;
  const span = xMax - xMin;
  const everyDays = Math.max(1, Math.ceil(span / dayMs / 7));
  for (let day = Math.ceil(xMin / dayMs) * dayMs; day <= xMax; day += everyDays * dayMs) dayTicks.push(day);
  const linePath = (points: ChartSeries['points']) => {
    let d = '';
    let pen = false;
    for (const point of points) {
      if (point.y === null) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${sx(point.x).toFixed(1)},${sy(point.y).toFixed(1)}`;
      pen = true;
    }
    return d;
  };
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${id}-title ${id}-desc`}>
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        {ticks.map((tick) => (
          <g key={tick} className="chart-grid">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={sy(tick)} y2={sy(tick)} />
            <text x={PAD.left - 8} y={sy(tick)} dy="0.32em" textAnchor="end">
              {`${tick.toLocaleString('en')}${unit}`}
            </text>
          </g>
        ))}
        {dayTicks.map((tick) => (
          <text key={tick} className="chart-axis" x={sx(tick)} y={HEIGHT - 12} textAnchor="middle">
            {formatDay(tick)}
          </text>
        ))}
        {series.map((s, index) => (
          <path key={s.label} d={linePath(s.points)} className={`chart-line chart-line-${index}`} />
        ))}
      </svg>
      <figcaption>
        <strong>{title}</strong>
        {series.length > 1 && (
          <span className="chart-legend">
            {series.map((s, index) => (
              <span key={s.label}>
                <span className={`chart-swatch chart-swatch-${index}`} aria-hidden="true" />
                {s.label}
              </span>
            ))}
          </span>
        )}
        <span className="muted"> {summary}</span>
      </figcaption>
    </figure>
  );
}

/** A server-rendered SVG column chart of labelled values (e.g. uptime per day), with a text summary. */
export function BarChart({
  id,
  title,
  bars,
  max,
  unit = '',
  summary,
}: {
  id: string;
  title: string;
  bars: { label: string; value: number }[];
  max: number;
  unit?: string;
  summary: string;
}) {
  if (bars.length === 0) return <p className="muted">{title}: no data yet.</p>;
  const width = 720;
  const height = 220;
  const pad = { top: 20, bottom: 34, left: 48, right: 8 };
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const slot = innerW / bars.length;
  const barW = Math.max(2, slot * 0.7);
  const ticks = [0, max / 2, max];
  const labelEvery = Math.ceil(bars.length / 10);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`}>
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        {ticks.map((tick) => {
          const y = pad.top + innerH - (tick / max) * innerH;
          return (
            <g key={tick} className="chart-grid">
              <line x1={pad.left} x2={width - pad.right} y1={y} y2={y} />
              <text x={pad.left - 6} y={y} dy="0.32em" textAnchor="end">{`${tick}${unit}`}</text>
            </g>
          );
        })}
        {bars.map((bar, index) => {
          const h = (Math.min(bar.value, max) / max) * innerH;
          const x = pad.left + index * slot + (slot - barW) / 2;
          return (
            <g key={bar.label}>
              <rect className="chart-bar" x={x.toFixed(1)} y={(pad.top + innerH - h).toFixed(1)} width={barW.toFixed(1)} height={h.toFixed(1)}>
                <title>{`${bar.label}: ${bar.value.toFixed(1)}${unit}`}</title>
              </rect>
              {index % labelEvery === 0 && (
                <text className="chart-axis" x={x + barW / 2} y={height - 12} textAnchor="middle">{bar.label}</text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <strong>{title}</strong> <span className="muted">{summary}</span>
      </figcaption>
    </figure>
  );
}

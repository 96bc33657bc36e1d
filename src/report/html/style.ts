/** The page's only stylesheet, inlined: system fonts, nothing fetched. */
export const STYLE = `
:root { color-scheme: light; --fg: #1d1d1f; --muted: #5f6368; --line: #e3e3e3; --accent: #4c78a8; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--fg); background: #fafafa; }
header, main { max-width: 980px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 24px; padding-bottom: 8px; border-bottom: 1px solid var(--line); }
h1 { font-size: 26px; margin: 0 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 21px; margin: 36px 0 6px; padding-top: 8px; border-top: 2px solid var(--accent); overflow-wrap: anywhere; }
h2 .sub { font-weight: normal; color: var(--muted); font-size: 16px; }
h3 { font-size: 16px; margin: 0 0 6px; }
.meta, .source, figcaption, .note { color: var(--muted); font-size: 13px; }
nav { margin: 8px 0 4px; font-size: 14px; }
a { color: var(--accent); }
.facts { display: flex; flex-wrap: wrap; gap: 6px 22px; margin: 10px 0 16px; }
.facts div { min-width: 0; }
.facts dt { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.facts dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; margin: 12px 0 20px; font-size: 13.5px; background: white; max-width: 100%; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #ccc; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.best { font-weight: 700; }
td.name { overflow-wrap: anywhere; max-width: 260px; }
.si { color: var(--muted); }
figure.chart { margin: 18px 0 26px; padding: 14px; background: white; border: 1px solid var(--line); border-radius: 6px; overflow-x: auto; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figcaption { margin-top: 6px; }
.reading li { margin: 4px 0; }
.warn { background: #fff4e5; border-left: 4px solid #f58518; padding: 6px 10px; }
.conventions dl div { margin: 6px 0; }
.conventions dt { font-weight: 600; }
.conventions dd { margin: 0 0 0 16px; color: var(--muted); }
@media print { body { background: white; } figure.chart { break-inside: avoid; } }
`;

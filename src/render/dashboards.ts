/**
 * Our two Grafana dashboards, built as data so the JSON is always valid:
 * "Tracker stats" reads the /api/v1/stats job (tracker_stats), "Tracker metrics"
 * the labelled /api/v1/metrics job (tracker_metrics).
 */

/** This module's path in the repository: the dashboards' template, as their description names it. */
export const DASHBOARDS_SOURCE = 'src/render/dashboards.ts';

interface PanelSpec {
  readonly title: string;
  readonly kind: 'stat' | 'timeseries';
  readonly expr: string;
  readonly legend?: string;
  readonly unit?: string;
}

const STATS_PANELS: readonly PanelSpec[] = [
  { title: 'Torrents', kind: 'stat', expr: 'torrents{job="tracker_stats"}' },
  { title: 'Seeders', kind: 'stat', expr: 'seeders{job="tracker_stats"}' },
  { title: 'Leechers', kind: 'stat', expr: 'leechers{job="tracker_stats"}' },
  { title: 'Completed downloads', kind: 'stat', expr: 'completed{job="tracker_stats"}' },
  { title: 'Peers over time', kind: 'timeseries', expr: 'seeders{job="tracker_stats"} + leechers{job="tracker_stats"}', legend: 'peers' },
  { title: 'UDP announces per second', kind: 'timeseries', expr: 'rate(udp4_announces_handled{job="tracker_stats"}[5m]) + rate(udp6_announces_handled{job="tracker_stats"}[5m])', legend: 'announces', unit: 'reqps' },
  { title: 'UDP connects per second', kind: 'timeseries', expr: 'rate(udp4_connections_handled{job="tracker_stats"}[5m]) + rate(udp6_connections_handled{job="tracker_stats"}[5m])', legend: 'connects', unit: 'reqps' },
  { title: 'UDP errors per second', kind: 'timeseries', expr: 'rate(udp4_errors_handled{job="tracker_stats"}[5m]) + rate(udp6_errors_handled{job="tracker_stats"}[5m])', legend: 'errors', unit: 'reqps' },
  { title: 'HTTP announces per second', kind: 'timeseries', expr: 'rate(tcp4_announces_handled{job="tracker_stats"}[5m]) + rate(tcp6_announces_handled{job="tracker_stats"}[5m])', legend: 'announces', unit: 'reqps' },
  { title: 'HTTP scrapes per second', kind: 'timeseries', expr: 'rate(tcp4_scrapes_handled{job="tracker_stats"}[5m]) + rate(tcp6_scrapes_handled{job="tracker_stats"}[5m])', legend: 'scrapes', unit: 'reqps' },
];

const METRICS_PANELS: readonly PanelSpec[] = [
  { title: 'UDP requests received per second', kind: 'timeseries', expr: 'sum by (port) (rate(udp_tracker_server_requests_received_total[5m]))', legend: 'port {{port}}', unit: 'reqps' },
  { title: 'UDP responses sent per second, by kind', kind: 'timeseries', expr: 'sum by (request_kind, result) (rate(udp_tracker_server_responses_sent_total[5m]))', legend: '{{request_kind}} {{result}}', unit: 'reqps' },
  { title: 'UDP errors per second', kind: 'timeseries', expr: 'sum by (request_kind) (rate(udp_tracker_server_errors_total[5m]))', legend: '{{request_kind}}', unit: 'reqps' },
  { title: 'UDP requests banned per second', kind: 'timeseries', expr: 'sum(rate(udp_tracker_server_requests_banned_total[5m]))', legend: 'banned', unit: 'reqps' },
  { title: 'UDP requests aborted per second', kind: 'timeseries', expr: 'sum(rate(udp_tracker_server_requests_aborted_total[5m]))', legend: 'aborted', unit: 'reqps' },
  { title: 'HTTP tracker requests per second, by kind', kind: 'timeseries', expr: 'sum by (request_kind, port) (rate(http_tracker_core_requests_received_total[5m]))', legend: '{{request_kind}} port {{port}}', unit: 'reqps' },
];

function panel(spec: PanelSpec, index: number, y: number, x: number, width: number, height: number): Record<string, unknown> {
  return {
    id: index + 1,
    type: spec.kind,
    title: spec.title,
    datasource: { type: 'prometheus', uid: 'prometheus' },
    gridPos: { h: height, w: width, x, y },
    fieldConfig: { defaults: spec.unit === undefined ? {} : { unit: spec.unit }, overrides: [] },
    options: spec.kind === 'stat' ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value', graphMode: 'area' } : { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'none' } },
    targets: [{ refId: 'A', datasource: { type: 'prometheus', uid: 'prometheus' }, expr: spec.expr, ...(spec.legend === undefined ? {} : { legendFormat: spec.legend }) }],
  };
}

function layout(specs: readonly PanelSpec[]): Record<string, unknown>[] {
  const panels: Record<string, unknown>[] = [];
  let y = 0;
  const stats = specs.filter((spec) => spec.kind === 'stat');
  stats.forEach((spec, index) => panels.push(panel(spec, panels.length, y, index * 6, 6, 4)));
  if (stats.length > 0) y += 4;
  specs.filter((spec) => spec.kind === 'timeseries').forEach((spec, index) => {
    panels.push(panel(spec, panels.length, y + Math.floor(index / 2) * 8, (index % 2) * 12, 12, 8));
  });
  return panels;
}

function dashboard(uid: string, title: string, description: string, specs: readonly PanelSpec[]): string {
  const document = {
    uid,
    title,
    description,
    tags: ['torrust', 'tracker'],
    timezone: 'browser',
    editable: false,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    panels: layout(specs),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function statsDashboard(description: string): string {
  return dashboard('torrust-tracker-stats', 'Torrust Tracker: stats', description, STATS_PANELS);
}

export function metricsDashboard(description: string): string {
  return dashboard('torrust-tracker-metrics', 'Torrust Tracker: metrics', description, METRICS_PANELS);
}

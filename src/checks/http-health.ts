import { httpGet, type HttpFailureReason, type HttpGetOptions } from './http-get.js';

/**
 * A JSON health endpoint: the tracker's `/api/health_check` and `/health_check`
 * answer `{"status":"Ok"}`, Grafana's `/api/health` `{"database":"ok",...}`.
 * Healthy means a 2xx reply with a JSON object whose `status`, when present, is
 * "Ok": a 200 with anything else (a default page, a tracker's bencoded error)
 * is not the health endpoint.
 */

export type HealthResult =
  | { readonly ok: true; readonly status: number; readonly body: unknown }
  | { readonly ok: false; readonly reason: 'http-status' | 'not-json' | 'unhealthy' | HttpFailureReason; readonly message: string; readonly status?: number };

export async function checkHealth(url: URL, options: HttpGetOptions = {}): Promise<HealthResult> {
  const response = await httpGet(url, options);
  if (!response.ok) return response;
  const text = response.body.toString('utf8');
  if (response.status < 200 || response.status > 299) {
    return { ok: false, reason: 'http-status', status: response.status, message: `${url.href} answered HTTP ${response.status}${excerpt(text)}` };
  }
  const body = parseJson(text);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, reason: 'not-json', status: response.status, message: `${url.href} answered HTTP ${response.status}, but not with a JSON health report${excerpt(text)}` };
  }
  if ('status' in body && typeof body.status === 'string' && body.status.toLowerCase() !== 'ok') {
    return { ok: false, reason: 'unhealthy', status: response.status, message: `${url.href} reports status "${body.status}"${excerpt(text)}` };
  }
  return { ok: true, status: response.status, body };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line === '' ? '' : `: ${line.length > 160 ? `${line.slice(0, 160)}…` : line}`;
}

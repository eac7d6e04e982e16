// The stand-in's HEALTHCHECK, as the real image's /usr/bin/http_health_check: asks the
// health check API (bound where the tracker's config says) and fails unless it is Ok.
import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';

const config = parse(readFileSync(process.env.TORRUST_TRACKER_CONFIG_TOML_PATH ?? '/etc/torrust/tracker/tracker.toml', 'utf8'));
const port = (config.health_check_api?.bind_address ?? '127.0.0.1:1313').split(':').at(-1);
try {
  const response = await fetch(`http://127.0.0.1:${port}/health_check`, { signal: AbortSignal.timeout(3000) });
  const body = await response.json();
  process.exit(response.ok && body.status === 'Ok' ? 0 : 1);
} catch {
  process.exit(1);
}

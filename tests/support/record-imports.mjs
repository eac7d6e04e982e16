// Preloaded with --import: records every module URL the program resolves into $TTD_IMPORT_LOG.
// The CLI is bundled (scripts/bundle-cli.mjs): a chunk of dist/src/cli/ is recorded with every
// module it holds (from chunks/modules.json), as the URL that module had before bundling, so a
// test asks what a command loads in the same terms whether or not it was bundled. Modules
// loaded with require (createRequire) are recorded too, from require's cache, as the process exits.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const hooks = `
import { appendFileSync, readFileSync } from 'node:fs';
const manifests = new Map();
function bundledModules(url) {
  const match = /^(file:.*\\/)dist\\/src\\/cli\\/(main\\.js|chunks\\/[^/]+\\.js)$/.exec(url);
  if (!match) return [];
  const [, root, chunk] = match;
  if (!manifests.has(root)) {
    try { manifests.set(root, JSON.parse(readFileSync(new URL('dist/src/cli/chunks/modules.json', root), 'utf8'))); } catch { manifests.set(root, {}); }
  }
  return (manifests.get(root)[chunk] ?? []).map((path) => root + path);
}
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (process.env.TTD_IMPORT_LOG) appendFileSync(process.env.TTD_IMPORT_LOG, [result.url, ...bundledModules(result.url)].join('\\n') + '\\n');
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`, import.meta.url);
process.on('exit', () => {
  const required = Object.keys(createRequire(import.meta.url).cache).map((path) => pathToFileURL(path).href);
  if (process.env.TTD_IMPORT_LOG && required.length > 0) appendFileSync(process.env.TTD_IMPORT_LOG, `${required.join('\n')}\n`);
});

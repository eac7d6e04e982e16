// Preloaded with --import: records every module URL the program resolves into $TTD_IMPORT_LOG.
import { register } from 'node:module';

const hooks = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (process.env.TTD_IMPORT_LOG) appendFileSync(process.env.TTD_IMPORT_LOG, result.url + '\\n');
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`, import.meta.url);

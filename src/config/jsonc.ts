import { createRequire } from 'node:module';

type JsoncParser = typeof import('jsonc-parser');

let loaded: JsoncParser | undefined;

/**
 * jsonc-parser, required on the first JSON config: most configs are TOML, and for them
 * validate's start-up does not compile or run it (about 2 ms; docs/decisions/bundled-cli.md).
 */
export function jsoncParser(): JsoncParser {
  loaded ??= createRequire(import.meta.url)('jsonc-parser') as JsoncParser;
  return loaded;
}

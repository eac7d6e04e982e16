import { Text } from 'ink';
import type { Preparation } from '../../src/wizard/prepare.js';
import { deploysLines } from '../../src/wizard/short-path.js';

/** validate's "What it deploys" lines for the answers, then the provider's (Hetzner: the cost line), one row each. */
export function DeploysLines({ preparation, providerLines }: { readonly preparation: Preparation; readonly providerLines: readonly string[] }) {
  return (
    <>
      {[...deploysLines(preparation), ...providerLines].map((line, index) => (
        <Text key={index} wrap="truncate-end">
          {line}
        </Text>
      ))}
    </>
  );
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QUESTIONS, optionKey } from '../../questionnaire/questions.js';
import type { Answer } from '../../questionnaire/types.js';
import { WHOLE_REFERENCE } from '../../src/config/interpolate.js';
import { answersFromOptions } from '../../src/wizard/flags.js';
import { answersWith, loadWritten, PRINTABLE_ASCII, secretsInConfig, secretsInContainers, STACK_SECRETS, writeFromAnswers, type StackSecrets } from './round-trip.js';

/**
 * Any printable text typed as a secret, in the wizard or as an `init` flag,
 * loads back and reaches the containers unchanged. A whole ${VAR} is the one
 * documented exception (a reference), so it is not generated.
 */

const piece = fc.oneof(
  fc.constantFrom(...PRINTABLE_ASCII),
  fc.constantFrom('$', '${', '$${', '}', ':-', '${HOME}', '${NAME:-x}', "'", '"', '\\', '#', ' '),
);
const secret = fc
  .array(piece, { minLength: 1, maxLength: 24 })
  .map((pieces) => pieces.join(''))
  .filter((value) => !WHOLE_REFERENCE.test(value));
const secrets: fc.Arbitrary<StackSecrets> = fc.record({ api_token: secret, mysql_password: secret, mysql_root_password: secret, grafana_password: secret });

/** The answers as `init` reads them from its flags. */
function answersFromFlags(values: StackSecrets): Record<string, Answer> {
  const options = Object.fromEntries(
    QUESTIONS.filter((question) => question.id in STACK_SECRETS).map((question) => [optionKey(question), values[question.id as keyof StackSecrets]]),
  );
  return answersFromOptions(options);
}

async function roundTrip(values: StackSecrets, answers: Record<string, Answer>): Promise<void> {
  const config = await loadWritten(writeFromAnswers(answersWith(values, answers)));
  expect(secretsInConfig(config)).toEqual(values);
  expect(await secretsInContainers(config)).toEqual(values);
}

describe('secrets round-trip verbatim (property)', () => {
  it('wizard answers and init flags: config, .env and compose resolution unchanged', async () => {
    // Each run checks a batch side by side: `docker compose config` is slow to start, not to run.
    // A failure is reported as found: shrinking through compose would take minutes.
    await fc.assert(
      fc.asyncProperty(fc.array(secrets, { minLength: 1, maxLength: 4 }), async (batch) => {
        await Promise.all(batch.flatMap((values) => [roundTrip(values, {}), roundTrip(values, answersFromFlags(values))]));
      }),
      { numRuns: 8, endOnFailure: true },
    );
  }, 120_000);
});

import { render } from 'ink';
import type { Answers, QuestionContext } from '../../questionnaire/types.js';
import { checkHetznerToken, hetznerReviewLines } from '../../src/wizard/hetzner.js';
import { matchInkColors } from '../ink-colors.js';
import { eraseWizardHeader } from './header.js';
import { Wizard, type WizardOutcome } from './Wizard.js';

export interface RunWizardOptions {
  readonly given: Answers;
  readonly context: QuestionContext;
  readonly workingDir: string;
  readonly dryRun: boolean;
  /** Where the provider's review (Hetzner's token and endpoint) is read from. */
  readonly env: NodeJS.ProcessEnv;
  /** Colour or not, as the command decided (--no-color, NO_COLOR, a terminal). */
  readonly color: boolean;
}

/** Shows the wizard on the terminal until it is done, cancelled or interrupted. */
export async function runWizard(options: RunWizardOptions): Promise<WizardOutcome> {
  let outcome: WizardOutcome = { status: 'interrupted' };
  matchInkColors(options.color);
  eraseWizardHeader(process.stdout);
  // Ctrl-C is handled by the wizard, which leaves nothing written and reports "interrupted".
  const app = render(
    <Wizard
      {...options}
      providerReview={(answers) => hetznerReviewLines(answers, options.env)}
      checkToken={(answer) => checkHetznerToken(answer || (options.env['HCLOUD_TOKEN'] ?? ''), options.env)}
      onExit={(result) => {
        outcome = result;
        app.unmount();
      }}
    />,
    { exitOnCtrlC: false, patchConsole: false },
  );
  await app.waitUntilExit();
  return outcome;
}

import type { CommandHandler } from '../cli/context.js';
import { writeWizardHeader } from '../../screens/wizard/header.js';
import { wizardKind } from '../wizard/wizard-start.js';

/** `init`'s entry: when the wizard will ask, its header is on the terminal before init's heavy modules load. */
const initEntry: CommandHandler = async (context, input) => {
  const kind = wizardKind(context, input.options);
  // Where each wizard draws: Ink on stdout, the plain prompts on stderr.
  if (kind) writeWizardHeader(kind === 'screens' ? process.stdout : process.stderr);
  const { default: init } = await import('./init.js');
  return init(context, input);
};

export default initEntry;

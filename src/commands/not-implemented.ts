import type { CommandHandler } from '../cli/context.js';
import { DeployerError } from '../domain/errors.js';

const notImplemented: CommandHandler = async (_context, input) => {
  throw new DeployerError('command.not_implemented', `\`${input.command}\` is not implemented yet`, {
    fix: 'see `ttd --help` for the commands that work today (validate, create template|schema|environment)',
  });
};

export default notImplemented;

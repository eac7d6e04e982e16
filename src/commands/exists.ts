import type { CommandHandler } from '../cli/context.js';
import { readEnvironmentRecord } from '../state/store.js';

/** `exists ENV`: prints true or false (exit 0 either way), as the Rust deployer does. Never takes the lock. */
const exists: CommandHandler = async (context, input) => {
  const name = input.args['env'] ?? '';
  const found = (await readEnvironmentRecord(context.workingDir, name).catch(() => ({}))) !== undefined;
  context.output.resultJson({ environment_name: name, exists: found });
  context.output.result(String(found));
  return 0;
};

export default exists;

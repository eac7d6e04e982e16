import type { CommandHandler } from '../cli/context.js';
import { DeployerError } from '../domain/errors.js';
import { confirmOrRefuse } from '../run/confirm.js';
import { lockWaitOf, withJsonResult } from '../run/session.js';
import { acquireLock, assertLockFree } from '../state/lock.js';
import { buildDir, environmentDir, removeEnvironmentData, requireEnvironmentRecord } from '../state/store.js';

/**
 * `purge ENV`: deletes data/<env>/ and build/<env>/, never the infrastructure.
 * Only a destroyed environment, unless --force: its state is the only record
 * of what exists, and without it the instance would be forgotten.
 */
const purge: CommandHandler = async (context, input) =>
  withJsonResult(context, 'purge', async () => {
    const name = input.args['env'] ?? '';
    const force = input.options['force'] === true;
    const lockWaitSeconds = lockWaitOf(input);
    const record = await requireEnvironmentRecord(context.workingDir, name);
    const targets = [environmentDir(context.workingDir, name), buildDir(context.workingDir, name)];
    if (record.state !== 'destroyed' && !force) {
      throw new DeployerError('environment.not_destroyed', `Environment '${name}' is ${record.state}, not destroyed: purging would forget ${record.resources.length > 0 ? `${record.resources.length} resource(s) and ` : ''}the instance`, {
        where: environmentDir(context.workingDir, name),
        fix: `destroy it first (ttd destroy ${name}), or pass --force to delete only the local data and leave the infrastructure`,
      });
    }
    if (lockWaitSeconds === 0) await assertLockFree(context.workingDir, name);
    if (context.dryRun) {
      context.output.resultJson({ dry_run: true, environment_name: name, would_remove: targets });
      context.output.result(`Would remove:\n${targets.map((target) => `  ${target}`).join('\n')}`);
      return 0;
    }
    if (!force && input.options['yes'] !== true) {
      await confirmOrRefuse(context, `Delete all local data of '${name}' (${targets.join(', ')})? This cannot be undone.`, '--yes');
    }
    await acquireLock(context.workingDir, name, { command: 'purge', waitSeconds: lockWaitSeconds });
    // The lock lives in data/<env>/ and goes with it.
    const removed = await removeEnvironmentData(context.workingDir, name);
    context.output.resultJson({ environment_name: name, purged: true, removed });
    context.output.success(`Environment '${name}' purged`);
    context.output.result(`Removed:\n${removed.map((target) => `  ${target}`).join('\n')}`);
    return 0;
  });

export default purge;

import type { CommandHandler } from '../cli/context.js';
import { DeployerError } from '../domain/errors.js';
import { backupVerifyPlan, CHECK_REPOSITORY_STEP, TEST_RESTORE_STEP } from '../plan/day-two.js';
import { knownCause, outputOf, runOperation } from '../run/operation.js';
import { printDryRun } from '../run/plan-command.js';
import { lockWaitOf, withJsonResult } from '../run/session.js';
import { backupEnvironment } from './backup.js';

/**
 * `backup verify ENV`: `restic check` of the off-host repository (reading a tenth of
 * the data back), then the newest backup restored into a temporary directory on the
 * host and its files tested. Proves a restore would work before one is needed.
 */
const backupVerify: CommandHandler = async (context, input) =>
  withJsonResult(context, 'backup verify', async (json) => {
    const name = input.args['env'] ?? '';
    const lockWaitSeconds = lockWaitOf(input);
    const environment = await backupEnvironment(context, name, 'backup verify', { waitSeconds: lockWaitSeconds });
    if (environment.config.backup?.remote === undefined) {
      throw new DeployerError('backup.not_configured', `Environment '${name}' has no [backup.remote] section, so there is no off-host repository to verify`, {
        where: `data/${name}/environment.json ([backup.remote])`,
        fix: `add [backup.remote] with a repository and password to the config and deploy it: ttd deploy envs/${name}.toml (docs/user-guide/config.md)`,
      });
    }
    if (context.dryRun) return printDryRun(context, backupVerifyPlan(name));

    const check = outputOf(CHECK_REPOSITORY_STEP);
    const restore = outputOf(TEST_RESTORE_STEP);
    const { result, logFile } = await runOperation(context, {
      command: 'backup verify',
      environment: name,
      secrets: environment.secrets,
      connect: environment.connect,
      address: environment.address,
      lockWaitSeconds,
      plan: () => backupVerifyPlan(name),
      tap: (event) => [check, restore].forEach((output) => output.tap(event)),
    });
    if (result.outcome !== 'succeeded') {
      const stopped = result.stopped;
      const cause = knownCause(stopped?.cause);
      if (cause) throw cause;
      if (result.outcome === 'interrupted') throw new DeployerError('interrupted', `The verification of '${name}''s repository was stopped by Ctrl-C`, { fix: `run ttd backup verify ${name} again` });
      const tail = (stopped?.output ?? []).filter((line) => line.trim() !== '');
      const what = stopped?.step === TEST_RESTORE_STEP ? 'The test restore of the newest off-host backup' : 'restic check of the off-host repository';
      throw new DeployerError('backup.remote_failed', `${what} failed on ${environment.address}: ${tail.at(-1) ?? stopped?.error ?? 'unknown error'}`, {
        where: 'backup.remote.repository',
        fix: `read restic's lines above (-vv shows all); a wrong password or an unreachable repository fails both steps; a damaged one: restic's own repair commands (sudo ttd-restic repair --help on the host).${logFile ? ` The full log is in ${logFile}` : ''}`,
        data: { step: stopped?.step, stderr_tail: tail.slice(-10) },
      });
    }
    const restored = restore.lines.find((line) => line.startsWith('test restore:')) ?? 'test restore passed';
    json?.line({ type: 'result', ok: true, exit_code: 0, command: 'backup verify', environment: name, check: 'passed', test_restore: restored, log_file: logFile ?? null });
    context.output.success(`The off-host repository of '${name}' is sound: restic check passed; ${restored}`);
    return 0;
  });

export default backupVerify;

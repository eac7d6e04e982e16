import type { CommandHandler } from '../cli/context.js';
import { httpGet } from '../checks/http-get.js';
import { STATUS_PROBE_STEP, statusPlan } from '../plan/day-two.js';
import type { EventSink } from '../plan/events.js';
import { printDryRun } from '../run/plan-command.js';
import { runProbe } from '../run/probe.js';
import { withJsonResult } from '../run/session.js';
import { hostProbeScript } from '../status/host-probe.js';
import { readCertificate } from '../status/certificates.js';
import { gatherSnapshot, type StatusSources } from '../status/gather.js';
import { StatusSshSource } from '../status/ssh-source.js';
import { statusTarget } from '../status/target.js';
import { snapshotJson } from '../status/view.js';
import { configFromRecord } from '../state/snapshot-config.js';
import { environmentDir, requireEnvironmentRecord } from '../state/store.js';
import { requireInstanceAddress } from './host-access.js';

/**
 * `status ENV [--watch]`: services, health, the tracker's numbers, backups and
 * certificates, read from the host over SSH (a read plan run by the one executor,
 * on a connection kept between refreshes) and from the tracker's API. A read
 * command: no lock, nothing changed (not even the recorded host key). On a
 * terminal it draws the status screen (refreshing with --watch); otherwise, or
 * with --json, it prints one snapshot. Exit 0 when healthy, 1 otherwise.
 */
const status: CommandHandler = async (context, input) =>
  withJsonResult(context, 'status', async (json) => {
    const name = input.args['env'] ?? '';
    const watch = input.options['watch'] === true;
    const record = await requireEnvironmentRecord(context.workingDir, name);
    const { config, secrets } = configFromRecord(record, context.env);
    const address = requireInstanceAddress(name, record, config, 'so there is nothing to read the status of');
    // A read: no lock to check; a key problem is one of the things the status reports.
    if (context.dryRun) return printDryRun(context, statusPlan(name, hostProbeScript()));
    context.output.addSecrets(secrets);
    context.output.log.placeIn(environmentDir(context.workingDir, name));
    const target = statusTarget(config, name, address, record.instance.ssh_port === undefined ? {} : { sshPort: record.instance.ssh_port });
    const ssh = new StatusSshSource({
      host: address,
      port: target.sshPort,
      username: config.ssh_credentials.username,
      privateKeyPath: config.ssh_credentials.private_key_path,
      knownHostKey: record.instance.ssh_host_key,
      env: context.env,
      secrets,
    });
    // The probe's events go to the log file only (the screen shows the snapshot), its output
    // left out: it is the snapshot, every refresh, and would fill the log of a long --watch.
    const logged: EventSink = (event) => {
      if (event.type !== 'step.output') context.output.log.write(context.output.mask(event));
    };
    const sources: StatusSources = {
      host: (script, timeoutMs) =>
        ssh.withHost(timeoutMs, (remote, signal) => runProbe({ plan: statusPlan(name, script), step: STATUS_PROBE_STEP, remote, address, workingDir: context.workingDir, emit: logged, signal })),
      httpGet,
      forwardedGet: (host, port, path, timeoutMs) => ssh.forwardedGet(host, port, path, timeoutMs),
      certificate: (domain, host, options) => readCertificate(domain, host, options),
      now: () => Date.now(),
    };
    const gather = () => gatherSnapshot(target, sources);
    try {
      if (context.interactive && !context.json) {
        const { runStatusScreen } = await import('../../screens/status/run-status.js');
        const last = await runStatusScreen({ target, gather, watch, color: context.output.color.enabled });
        // A probe still waiting on a silent host (its SSH connect attempt, up to 8 s) must not hold
        // the terminal after q: if anything is still open shortly after, end the process. Only on
        // this path, which is the CLI on a terminal (never the in-process MCP server).
        setTimeout(() => process.exit(), 300).unref();
        return watch || last?.summary === 'healthy' ? 0 : 1;
      }
      // The view loads (Ink is slow to import) while the host is asked.
      const view = json ? undefined : import('../../screens/status/run-status.js');
      const snapshot = await gather();
      const result = snapshotJson(target, snapshot);
      json?.line(result);
      if (view) context.output.result((await view).statusText(target, snapshot, context.output.color.enabled));
      return result.exit_code;
    } finally {
      await ssh.close();
    }
  });

export default status;

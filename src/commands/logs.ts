import type { CommandHandler } from '../cli/context.js';
import { DeployerError } from '../domain/errors.js';
import { maskSecrets } from '../domain/mask-secrets.js';
import { topologyOf } from '../domain/topology.js';
import { remoteCommandLine } from '../plan/command-line.js';
import { logsPlan, READ_LOGS_STEP } from '../plan/day-two.js';
import { logsCommand, parseTail, sinceProblem } from '../remote/steps/logs.js';
import { BUILT_IN } from '../run/implementations.js';
import { knownCause, runReadPlan } from '../run/operation.js';
import { printDryRun } from '../run/plan-command.js';
import { preflight } from '../run/preflight.js';
import { withJsonResult } from '../run/session.js';
import { connectWithRetry } from '../ssh/connect.js';
import { LineSplitter, LineTail } from '../ssh/lines.js';
import { configFromRecord } from '../state/snapshot-config.js';
import { environmentDir, requireEnvironmentRecord } from '../state/store.js';
import { withoutTerminalControls } from '../status/log-line.js';
import { DAY_TWO_CONNECT_DEADLINE_MS } from './backup.js';
import { hostConnectOptions, requireInstanceAddress } from './host-access.js';

/**
 * `logs ENV [SERVICE] [--follow] [--since D] [--tail N]`: `docker compose logs`
 * on the host, streamed line by line to stdout as it arrives (secrets masked,
 * logged). Without --follow it is a read plan run by the executor. Ctrl-C stops a --follow: docker gets TERM, the channel is
 * closed, and the command exits 0. A read command: no lock.
 * With --json, each line is {"type":"log","stream":...,"line":...}, then a result.
 */
const logs: CommandHandler = async (context, input) =>
  withJsonResult(context, 'logs', async (json) => {
    const name = input.args['env'] ?? '';
    const service = input.args['service'];
    const since = typeof input.options['since'] === 'string' ? input.options['since'] : undefined;
    const tailOption = typeof input.options['tail'] === 'string' ? input.options['tail'] : undefined;
    const follow = input.options['follow'] === true;

    if (since !== undefined) {
      const problem = sinceProblem(since);
      if (problem) throw new DeployerError('usage.invalid', `--since ${problem}`, { where: '--since', fix: 'pass a duration like --since 10m or --since 2h, or a time like --since 2025-01-31T13:00:00Z' });
    }
    const tail = tailOption === undefined ? undefined : parseTail(tailOption);
    if (tail instanceof Error) throw new DeployerError('usage.invalid', `--tail ${tail.message}`, { where: '--tail', fix: 'pass a line count like --tail 100, or --tail all' });

    const record = await requireEnvironmentRecord(context.workingDir, name);
    const { config, secrets } = configFromRecord(record, context.env);
    context.output.addSecrets(secrets);
    const services: readonly string[] = topologyOf(config).services;
    if (service !== undefined && !services.includes(service)) {
      throw new DeployerError('usage.invalid', `'${service}' is not a service of environment '${name}'; it deploys: ${services.join(', ')}`, {
        where: 'SERVICE',
        fix: `name one of ${services.join(', ')}, or leave SERVICE out for all of them (ttd logs ${name})`,
        data: { services },
      });
    }
    const address = requireInstanceAddress(name, record, config, 'so there are no logs to read');

    await preflight(context.workingDir, name, config, context.env, undefined);
    const command = logsCommand({ service, follow, since, tail });
    if (context.dryRun) return printDryRun(context, logsPlan(name, command));
    const write = (stream: 'stdout' | 'stderr') => (line: string) => {
      const clean = withoutTerminalControls(line);
      const logLine = { type: 'log', stream, line: clean };
      if (json) context.output.record(logLine);
      else if (stream === 'stdout') context.output.result(clean);
      else {
        context.output.progress(clean);
        context.output.log.write({ type: 'output', level: 'stderr', text: context.output.mask(clean) });
      }
      // Backpressure: the channel pauses while stdout has more queued than it can take.
      return context.output.stdoutDrained();
    };
    if (!follow) {
      // A bounded read: a read plan, run by the executor (events, the log file, no lock).
      const { result } = await runReadPlan(context, {
        environment: name,
        secrets,
        connect: BUILT_IN.connect(config, record, { connectDeadlineMs: DAY_TWO_CONNECT_DEADLINE_MS }),
        address,
        plan: logsPlan(name, command),
        resultStep: READ_LOGS_STEP,
        tap: (event) => void (event.type === 'step.output' && event.step === READ_LOGS_STEP && write(event.stream)(event.line)),
      });
      if (result.outcome === 'interrupted') throw new DeployerError('interrupted', 'Stopped by Ctrl-C while reading the logs');
      if (result.outcome === 'failed') {
        throw knownCause(result.cause) ?? new DeployerError('ssh.command_failed', `docker compose logs on ${address} failed: ${result.error}`, { where: address, fix: `check that the stack was released and docker works on the host (ttd status ${name})` });
      }
      json?.line({ type: 'result', ok: true, exit_code: 0, command: 'logs', environment_name: name, service: service ?? null, stopped_by_user: false });
      return 0;
    }
    // --follow streams until Ctrl-C: its own channel, its lines through the reporter (masked, logged).
    const commandLine = remoteCommandLine(command, false);
    context.output.debug(`$ ${commandLine}`);
    context.output.log.placeIn(environmentDir(context.workingDir, name));
    const connection = await connectWithRetry(hostConnectOptions(context, config, record, address, secrets));
    try {
      const ending = await streamCommand(connection.ssh.connection, commandLine, write('stdout'), write('stderr'));
      if (ending.stopped || ending.code === 0) {
        json?.line({ type: 'result', ok: true, exit_code: 0, command: 'logs', environment_name: name, service: service ?? null, stopped_by_user: ending.stopped });
        return 0;
      }
      const last = ending.stderrTail.at(-1);
      throw new DeployerError('ssh.command_failed', `docker compose logs on ${address} ${ending.code === null ? `was killed by signal ${ending.signal ?? 'unknown'}` : `exited with status ${ending.code}`}${last ? `: ${maskSecrets(last, secrets)}` : ''}`, {
        where: address,
        fix: `check that the stack was released and docker works on the host (ttd status ${name})`,
        data: { exit_status: ending.code, stderr_tail: ending.stderrTail.map((line) => maskSecrets(line, secrets)) },
      });
    } finally {
      connection.ssh.dispose();
    }
  });

interface Ending {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stopped: boolean;
  readonly stderrTail: readonly string[];
}

/** The parts of an ssh2 client and channel used here (ssh2 ships no types). */
interface LogChannel {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'exit', listener: (code: number | null, signal?: string) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  readonly stderr: { on(event: 'data', listener: (chunk: Buffer) => void): unknown };
  pause(): unknown;
  resume(): unknown;
  signal(name: string): unknown;
  close(): unknown;
}
type Client = { exec(command: string, callback: (error: Error | undefined, channel: LogChannel) => void): unknown } | null;

/**
 * Runs `command` on its own channel and hands each line over as it arrives.
 * stdout honours backpressure (a slow pipe pauses the channel). The first
 * SIGINT stops the remote process and closes the channel.
 */
export function streamCommand(client: Client, command: string, onStdout: (line: string) => Promise<void> | undefined, onStderr: (line: string) => void): Promise<Ending> {
  return new Promise((resolve, reject) => {
    if (!client) return reject(new DeployerError('ssh.connection_lost', 'The SSH connection closed before the logs could be read'));
    client.exec(command, (error, channel) => {
      if (error) return reject(new DeployerError('ssh.channel_refused', `The host refused a channel for the logs: ${error.message}`));
      let code: number | null = null;
      let signal: string | null = null;
      let stopped = false;
      const tail = new LineTail(20);
      let paused = false;
      const stdout = new LineSplitter((line) => {
        const drained = onStdout(line);
        if (drained && !paused) {
          paused = true;
          channel.pause();
          void drained.then(() => {
            paused = false;
            channel.resume();
          });
        }
      });
      const stderr = new LineSplitter((line) => {
        tail.add(line);
        onStderr(line);
      });
      const stop = () => {
        stopped = true;
        try {
          channel.signal('TERM');
          channel.close();
        } catch {
          // The channel is already closed.
        }
      };
      process.once('SIGINT', stop);
      channel.on('data', (chunk: Buffer) => stdout.push(chunk));
      channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      channel.on('exit', (exitCode: number | null, exitSignal?: string) => {
        code = exitCode;
        signal = exitSignal ?? null;
      });
      channel.on('close', () => {
        process.removeListener('SIGINT', stop);
        stdout.end();
        stderr.end();
        resolve({ code, signal, stopped, stderrTail: tail.get() });
      });
    });
  });
}

export default logs;

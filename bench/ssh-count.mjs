// Preloaded into the ttd process by the benchmark (node --import ./bench/ssh-count.mjs):
// counts what ttd asks of the SSH server, without a line of src/ changing. It wraps the
// prototype of ssh2's Client (the one node-ssh drives), so every connection, exec channel
// and SFTP channel is seen, and reads each SFTP channel's request counter when the
// process exits, with the process's peak RSS. The tally is appended as one JSON line to $TTD_BENCH_SSH_COUNT.
//
// A round trip here is one thing ttd waits for the server to answer: an exec channel
// (open, exec request, exit status) or an SFTP request (stat, open, write, close, ...).
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const out = process.env.TTD_BENCH_SSH_COUNT;
if (out) {
  // Resolve ssh2 from node-ssh's own location: the same CommonJS instance it uses.
  const require = createRequire(createRequire(import.meta.url).resolve('node-ssh'));
  const { Client } = require('ssh2');
  // Times are ms since the process started (performance's time origin).
  const tally = { connections: 0, connectMs: 0, firstConnectAt: undefined, lastReplyAt: undefined, exitAt: undefined, execs: [], sftpChannels: 0, sftpRequests: 0 };
  const sftps = [];

  const { connect, exec, sftp } = Client.prototype;
  Client.prototype.connect = function countedConnect(...args) {
    tally.connections += 1;
    const started = performance.now();
    tally.firstConnectAt ??= Math.round(started);
    this.once('ready', () => (tally.connectMs += performance.now() - started));
    this.once('close', () => (tally.lastReplyAt = Math.round(performance.now())));
    return connect.apply(this, args);
  };
  Client.prototype.exec = function countedExec(command, ...rest) {
    const record = { command: String(command).split('\n').slice(0, 2).join(' ⏎ ').slice(0, 90), ms: undefined };
    tally.execs.push(record);
    const started = performance.now();
    const callback = rest.at(-1);
    if (typeof callback === 'function') {
      rest[rest.length - 1] = (error, channel) => {
        if (channel) channel.once('close', () => (record.ms = Math.round(performance.now() - started)));
        return callback(error, channel);
      };
    }
    return exec.call(this, command, ...rest);
  };
  Client.prototype.sftp = function countedSftp(...args) {
    tally.sftpChannels += 1;
    const callback = args.at(-1);
    if (typeof callback === 'function') {
      args[args.length - 1] = (error, channel) => {
        if (channel) sftps.push(channel);
        return callback(error, channel);
      };
    }
    return sftp.apply(this, args);
  };

  process.once('exit', () => {
    // _writeReqid is the last request id the channel used (-1 before the first).
    for (const channel of sftps) tally.sftpRequests += (channel._writeReqid ?? -1) + 1;
    tally.connectMs = Math.round(tally.connectMs);
    tally.exitAt = Math.round(performance.now());
    // Peak resident memory of the whole process (resourceUsage reports KiB).
    tally.maxRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
    appendFileSync(out, `${JSON.stringify({ argv: process.argv.slice(2), ...tally })}\n`);
  });
}

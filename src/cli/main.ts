#!/usr/bin/env node
import module from 'node:module';
import { PACKAGE } from '../package-info.js';

// Cache compiled modules between runs: start-up time is what users feel on every command.
(module as { enableCompileCache?: () => void }).enableCompileCache?.();

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V') && plainOutputFormat(process.env['TORRUST_TD_OUTPUT_FORMAT'])) {
  // What the program prints for it, without building the program: only package.json is read.
  process.stdout.write(`${PACKAGE.version}\n`);
} else {
  const { runCli } = await import('./program.js');
  process.exitCode = await runCli(process.argv);
}

/** A value the program would refuse goes the long way, to its usage error. */
function plainOutputFormat(value: string | undefined): boolean {
  return value === undefined || ['', 'json', 'text'].includes(value.trim().toLowerCase());
}

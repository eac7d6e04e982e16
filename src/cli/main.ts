#!/usr/bin/env node
import module from 'node:module';

// Cache compiled modules between runs: start-up time is what users feel on every command.
(module as { enableCompileCache?: () => void }).enableCompileCache?.();

const { runCli } = await import('./program.js');
process.exitCode = await runCli(process.argv);

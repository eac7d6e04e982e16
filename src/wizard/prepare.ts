import type { EnvironmentConfig } from '../config/schema.js';
import type { Answers, QuestionContext } from '../../questionnaire/types.js';
import { configFileText, configPathFor, shownConfigPath, writeConfigFile } from './config-file.js';
import { ensureKeyPair } from './ssh-keygen.js';
import { applicableAnswers } from './session.js';
import { configFromAnswers, type AnswerConflict } from './to-config.js';

/** Everything needed to write the file, computed without touching the disk. */
export interface PreparedConfig {
  readonly config: EnvironmentConfig;
  readonly path: string;
  /** The path as the user types it (relative to the working directory). */
  readonly shownPath: string;
  readonly text: string;
  readonly keyToGenerate: string | undefined;
}

export type Preparation = { readonly ok: true; readonly prepared: PreparedConfig } | { readonly ok: false; readonly conflicts: AnswerConflict[] };

export function prepareConfig(answers: Answers, context: QuestionContext, workingDir: string): Preparation {
  const built = configFromAnswers(applicableAnswers(answers, context), context, workingDir);
  if (!built.ok) return built;
  const path = configPathFor(workingDir, built.config.environment.name);
  const shownPath = shownConfigPath(workingDir, path);
  return { ok: true, prepared: { config: built.config, path, shownPath, text: configFileText(built.config, shownPath), keyToGenerate: built.keyToGenerate } };
}

/** Generates the SSH key pair if asked for, then writes the config. */
export async function writePrepared(prepared: PreparedConfig, options: { overwrite: boolean }): Promise<void> {
  if (prepared.keyToGenerate) await ensureKeyPair(prepared.keyToGenerate);
  await writeConfigFile(prepared.path, prepared.text, options);
}

/** The command that deploys what was written. */
export function nextCommand(prepared: PreparedConfig): string {
  return `ttd deploy ${prepared.shownPath}`;
}

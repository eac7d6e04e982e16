import type { EnvironmentConfig } from '../config/schema.js';
import type { Answers, QuestionContext } from '../../questionnaire/types.js';
import { separateSecrets } from '../config/secret-variables.js';
import { secretsPathFor } from '../config/secrets-file.js';
import { configFileText, configPathFor, existingConfigFiles, secretsText, shownConfigPath, writeConfigFile } from './config-file.js';
import { ensureKeyPair } from './ssh-keygen.js';
import { applicableAnswers } from './session.js';
import { configFromAnswers, type AnswerConflict } from './to-config.js';

/** Everything needed to write the file, computed without touching the disk. */
export interface PreparedConfig {
  /** The config the answers describe, secrets included (what loading the written files gives back). */
  readonly config: EnvironmentConfig;
  readonly path: string;
  /** The path as the user types it (relative to the working directory). */
  readonly shownPath: string;
  /** The config file's text: each secret is a ${VAR} of the secrets file. */
  readonly text: string;
  /** The secrets file beside the config, and its text; none when every secret is a ${VAR} the user gave. */
  readonly secrets: { readonly path: string; readonly shownPath: string; readonly text: string } | undefined;
  readonly keyToGenerate: string | undefined;
}

export type Preparation = { readonly ok: true; readonly prepared: PreparedConfig } | { readonly ok: false; readonly conflicts: AnswerConflict[] };

export function prepareConfig(answers: Answers, context: QuestionContext, workingDir: string): Preparation {
  const built = configFromAnswers(applicableAnswers(answers, context), context, workingDir);
  if (!built.ok) return built;
  const path = configPathFor(workingDir, built.config.environment.name);
  const shownPath = shownConfigPath(workingDir, path);
  const separated = separateSecrets(built.config);
  const secretsPath = secretsPathFor(path);
  const secrets = separated.entries.length === 0 ? undefined : { path: secretsPath, shownPath: shownConfigPath(workingDir, secretsPath), text: secretsText(separated.entries, shownPath, secretsPath) };
  return { ok: true, prepared: { config: built.config, path, shownPath, text: configFileText(separated.config, shownPath), secrets, keyToGenerate: built.keyToGenerate } };
}

/** Generates the SSH key pair if asked for, then writes the secrets file and the config. */
export async function writePrepared(prepared: PreparedConfig, options: { overwrite: boolean }): Promise<void> {
  if (prepared.keyToGenerate) await ensureKeyPair(prepared.keyToGenerate);
  await writeConfigFile(prepared.path, prepared.text, { ...options, ...(prepared.secrets ? { secrets: prepared.secrets.text } : {}) });
}

/** The files written, as the user types them: "envs/x.toml and envs/x.secrets". */
export function shownFiles(prepared: PreparedConfig): string {
  return prepared.secrets ? `${prepared.shownPath} and ${prepared.secrets.shownPath}` : prepared.shownPath;
}

/** The command that deploys what was written. */
export function nextCommand(prepared: PreparedConfig): string {
  return `ttd deploy ${prepared.shownPath}`;
}

/** The overwrite question for the files already there: the config, its secrets file, or both. */
export function overwriteQuestion(prepared: PreparedConfig): string {
  const shown = existingConfigFiles(prepared.path).map((file) => (file === prepared.path ? prepared.shownPath : prepared.secrets?.shownPath ?? file));
  return shown.length > 1 ? `${shown.join(' and ')} already exist. Overwrite them?` : `${shown[0] ?? prepared.shownPath} already exists. Overwrite it?`;
}

/**
 * The wizard's first line, written before `init` loads the config schema (zod), Ink and React,
 * which takes most of a second on a slow machine: the terminal answers at once. Plain text, no
 * Ink: the screens' first frame takes its place.
 */
const HEADER = 'Torrust Tracker Deployer · starting the wizard…';

let shownOn: NodeJS.WritableStream | undefined;

export function writeWizardHeader(stream: NodeJS.WritableStream): void {
  stream.write(`${HEADER}\n`);
  shownOn = stream;
}

/** Before the first frame: the header's line is cleared and the cursor left at its start, where Ink draws. */
export function eraseWizardHeader(stream: NodeJS.WritableStream): void {
  if (shownOn !== stream) return;
  stream.write('\u001B[1A\r\u001B[2K');
  shownOn = undefined;
}

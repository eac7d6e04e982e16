/**
 * A line of `docker compose logs` as the user should get it. Compose 2.26 (Debian 13's
 * docker-compose) starts every line with ESC[2K (erase line), even with --no-color and
 * no terminal; remote logs may also carry colours or other terminal controls. None of
 * them belongs in a pipe, a file or an NDJSON `line`, and on a terminal they let a
 * container's output move the cursor or retitle the window: they are removed.
 */

// CSI (ESC [ … final byte), OSC (ESC ] … BEL or ESC \), other two-byte escapes, and the
// 8-bit CSI; then any control character left except TAB.
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROLS = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]|[\u0000-\u0008\u000b-\u001f\u007f]/g;

export function withoutTerminalControls(line: string): string {
  return line.replace(TERMINAL_CONTROLS, '');
}

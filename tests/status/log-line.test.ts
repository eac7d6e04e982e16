import { describe, expect, it } from 'vitest';
import { withoutTerminalControls } from '../../src/status/log-line.js';

describe('withoutTerminalControls', () => {
  it('drops the ESC[2K compose 2.26 puts before every logs line, even with --no-color', () => {
    // As read from `docker compose logs --no-color --tail 1 tracker` on Debian 13 (compose 2.26.1) in the lab.
    const line = '\u001b[2Ktracker  | 2026-11-26T03:54:22.074Z INFO stand-in-tracker: UDP tracker listening on udp://0.0.0.0:6969';
    expect(withoutTerminalControls(line)).toBe('tracker  | 2026-11-26T03:54:22.074Z INFO stand-in-tracker: UDP tracker listening on udp://0.0.0.0:6969');
  });

  it('drops colours, cursor moves, window titles and stray control characters, and keeps tabs and text', () => {
    expect(withoutTerminalControls('\u001b[32mINFO\u001b[0m ready\tport 6969')).toBe('INFO ready\tport 6969');
    expect(withoutTerminalControls('a\u001b[1;1Hb\u001b]0;owned\u0007c\u001b]8;;http://x\u001b\\d\re\u0007')).toBe('abcde');
    expect(withoutTerminalControls('\u009b2Jplain')).toBe('plain');
    expect(withoutTerminalControls('ünïcode → fine')).toBe('ünïcode → fine');
  });
});

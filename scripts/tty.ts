/** Terminal styling for the scripts: colour only on a terminal, and never with NO_COLOR set. */
const tty = process.stdout.isTTY && !process.env.NO_COLOR;

export const color = (code: string, s: string): string => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
export const bold = (s: string): string => color('1', s);
export const dim = (s: string): string => color('2', s);

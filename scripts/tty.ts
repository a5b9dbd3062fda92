/** Terminal styling for the scripts: colour only on a terminal, and never with NO_COLOR set. */
const tty = process.stdout.isTTY && !process.env.NO_COLOR;

export const color = (code: string, s: string): string => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
export const bold = (s: string): string => color('1', s);
export const dim = (s: string): string => color('2', s);

/**
 * A script's parsed arguments, or null when there is nothing to run: `help` prints the usage;
 * an error prints it after the error and sets exit code 2.
 */
export function argsOrUsage<T>(parsed: T | { error: string } | 'help', usage: string): T | null {
  if (parsed === 'help') {
    console.log(usage);
    return null;
  }
  if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
    console.error(`${parsed.error}\n${usage}`);
    process.exitCode = 2;
    return null;
  }
  return parsed as T;
}

/** Stable error codes. The CLI maps them to exit statuses (see src/cli/main.ts). */
export type ErrorCode =
  | 'UNKNOWN_MODEL'
  | 'BAD_OPTION'
  | 'BAD_INPUT'
  | 'CHECK_FAILED'
  | 'IO';

/** The one error type dnarch throws on purpose. Its message is a single line meant for a person. */
export class DnarchError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DnarchError';
    this.code = code;
  }
}

export const isDnarchError = (e: unknown): e is DnarchError => e instanceof DnarchError;

/** Why a file operation failed, in one word where possible: its code (ENOENT, EACCES, ...), else its message. */
export const fsReason = (e: unknown): string => (e as NodeJS.ErrnoException)?.code ?? String((e as Error)?.message ?? e);

/**
 * Thrown by a stage plugin when it fails for a reason worth showing the user (the message is
 * copied into `stages[].error`). `output` keeps what the stage produced before failing (e.g. the
 * execution result of a program that crashed) so the result can still show it.
 */
export class StageFailure extends Error {
  readonly output?: unknown;

  constructor(message: string, options: { output?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StageFailure';
    this.output = options.output;
  }
}

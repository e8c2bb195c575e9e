/** How a failed attempt should be treated by `withRetry`. */
export type RetryDecision =
  | { retry: false }
  /** `afterMs`: a server-given delay (Retry-After), used instead of the backoff when larger. */
  | { retry: true; afterMs?: number };

export interface RetryOptions {
  /** Retries after the first attempt (so at most `maxRetries + 1` attempts). */
  maxRetries: number;
  /** First backoff step; doubles per retry, full jitter. */
  baseDelayMs: number;
  /** Cap of one backoff step. */
  maxDelayMs?: number;
  classify(error: unknown): RetryDecision;
  /** Called before each retry (logging). */
  onRetry?(error: unknown, attempt: number, delayMs: number): void;
}

/**
 * Runs `fn` and retries failures the classifier marks retryable, with bounded exponential backoff
 * and full jitter (AWS architecture blog "Exponential Backoff And Jitter"): a fleet hitting the
 * same 429 does not come back in lockstep. The last error is rethrown unchanged.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const maxDelayMs = options.maxDelayMs ?? 8000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const decision = options.classify(error);
      if (!decision.retry || attempt >= options.maxRetries) throw error;
      const ceiling = Math.min(maxDelayMs, options.baseDelayMs * 2 ** attempt);
      const delayMs = Math.max(Math.round(Math.random() * ceiling), Math.min(decision.afterMs ?? 0, maxDelayMs));
      options.onRetry?.(error, attempt + 1, delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

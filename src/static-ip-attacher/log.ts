/** Structured logging: one JSON line per step, so CloudWatch Logs Insights can filter on any field. */

/** Context fields every line carries once they are known. */
export interface LogContext {
  readonly instanceId?: string;
  readonly eniId?: string;
  readonly az?: string;
  readonly eventId?: string;
}

/** Extra fields of one line. */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** One log line as written (before JSON encoding). */
export interface StepLine extends LogContext {
  readonly level: "info" | "warn" | "error";
  readonly step: string;
  readonly result: string;
  /** Milliseconds since the invocation started. */
  readonly elapsedMs: number;
}

/** Writes step lines with a growing context; immutable, `with` returns a new logger. */
export class StepLogger {
  constructor(
    private readonly write: (line: string) => void,
    private readonly now: () => number,
    private readonly startedAtMs: number,
    private readonly context: LogContext = {},
  ) {}

  /** A logger whose lines also carry `context`. */
  with(context: LogContext): StepLogger {
    return new StepLogger(this.write, this.now, this.startedAtMs, { ...this.context, ...context });
  }

  /** Logs the outcome of one step. */
  step(step: string, result: string, fields: LogFields = {}, level: StepLine["level"] = "info"): void {
    const line: StepLine = {
      level,
      step,
      result,
      ...this.context,
      elapsedMs: this.now() - this.startedAtMs,
      ...fields,
    };
    this.write(JSON.stringify(line));
  }
}

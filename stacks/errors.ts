import { ValidationError } from "../modules/shared/validation";

/**
 * How an app or a command line reports `e`: a {@link ValidationError} (bad input: the message
 * names the field, the value and the fix) as the one line `error: <message>`; anything else is a
 * bug and gets `undefined`, so the caller rethrows it and keeps its stack trace.
 */
export function validationErrorLine(e: unknown): string | undefined {
  if (!ValidationError.isValidationError(e)) return undefined;
  return `error: ${e.message.replace(/\s*\n\s*/g, " ")}`;
}

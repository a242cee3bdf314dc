import type { FieldError } from '../domain/ajv';

/** An error the API answers with: HTTP status, a stable code, a Japanese message, and field errors (never values). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }

  toBody() {
    return { error: this.code, message: this.message, ...(this.errors.length ? { errors: this.errors } : {}) };
  }
}

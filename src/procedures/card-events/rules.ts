import type { FieldError } from '../../domain/ajv';
import type { CardEventRequest } from './schema';

/** The rules of a counter card event beyond its schema, on facts read beforehand (today, Japan time). */
export function evaluateCardEventRequest(r: CardEventRequest, f: { today: string }): FieldError[] {
  const errors: FieldError[] = [];
  if (r.eventDate > f.today) errors.push({ field: '/eventDate', rule: 'notFuture', message: '発生日が未来の日付です' });
  if (r.reason && r.kind !== 'CANCELLED')
    errors.push({ field: '/reason', rule: 'reasonOnlyForCancel', message: '理由は廃止のときだけ指定します' });
  return errors;
}

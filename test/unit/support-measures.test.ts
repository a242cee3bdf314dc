import { describe, expect, it } from 'vitest';
import {
  blocksIssuance,
  checkConfirmation,
  checkExtension,
  extendedEnd,
  finalMonthStart,
  MeasureKind,
  MeasureLevel,
  MeasureState,
  periodAlert,
  supportPeriodEnd,
} from '../../src/domain/support-measures';

const active = { kind: MeasureKind.SUPPORT, state: MeasureState.ACTIVE, endDate: '2021-03-31' };

describe('支援措置 period (domain spec §6, §8.6)', () => {
  it('is 1 year from the start, end set automatically (§10.2: 2020-04-01 → 2021-03-31)', () => {
    expect(supportPeriodEnd('2020-04-01')).toBe('2021-03-31');
    expect(supportPeriodEnd('2021-01-01')).toBe('2021-12-31');
    expect(supportPeriodEnd('2020-02-29')).toBe('2021-02-28');
    expect(supportPeriodEnd('2019-03-01')).toBe('2020-02-29');
  });

  it('an extension adds 1 year after the current end', () => {
    expect(extendedEnd('2021-03-31')).toBe('2022-03-31');
  });

  it('may be extended from 1 month before the end, not earlier', () => {
    expect(finalMonthStart('2021-03-31')).toBe('2021-03-01');
    expect(checkExtension(active, '2021-02-28')).toMatchObject({ ok: false, code: 'EXTENSION_TOO_EARLY' });
    expect(checkExtension(active, '2021-03-01')).toEqual({ ok: true });
    expect(checkExtension(active, '2021-04-15')).toEqual({ ok: true }); // expired but not ended
    expect(checkExtension({ ...active, state: MeasureState.PROVISIONAL }, '2021-03-10')).toMatchObject({
      code: 'NOT_EXTENDABLE',
    });
    expect(checkExtension({ ...active, kind: MeasureKind.SUPPRESSION }, '2021-03-10')).toMatchObject({
      code: 'NOT_EXTENDABLE',
    });
    expect(checkExtension({ ...active, pending: { by: 'x' } }, '2021-03-10')).toMatchObject({
      code: 'ALREADY_PENDING',
    });
    expect(checkExtension({ ...active, state: MeasureState.ENDED }, '2021-03-10')).toMatchObject({
      code: 'MEASURE_ENDED',
    });
  });

  it('alerts in the final month and after expiry; an ended measure raises none', () => {
    expect(periodAlert(active, '2021-02-28')).toBeUndefined();
    expect(periodAlert(active, '2021-03-01')).toBe('FINAL_MONTH');
    expect(periodAlert(active, '2021-03-31')).toBe('FINAL_MONTH');
    expect(periodAlert(active, '2021-04-01')).toBe('EXPIRED');
    expect(periodAlert({ ...active, state: MeasureState.ENDED }, '2021-04-01')).toBeUndefined();
  });
});

describe('blocks (domain spec §8.6, §10.3)', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const m = {
    state: MeasureState.ACTIVE,
    processes: ['CERTIFICATE'],
    level: MeasureLevel.ERROR,
    endDate: '2021-03-31',
  };
  it('an expired measure still blocks until it is explicitly ended (「抑止 end date passed」)', () => {
    expect(blocksIssuance(m, now)).toBe(true);
    expect(blocksIssuance({ ...m, state: MeasureState.PROVISIONAL }, now)).toBe(true);
    expect(blocksIssuance({ ...m, state: MeasureState.ENDED }, now)).toBe(false);
  });
  it('blocks issuance only for the process 証明書発行 at level ERROR', () => {
    expect(blocksIssuance({ ...m, processes: ['CHANGE'] }, now)).toBe(false);
    expect(blocksIssuance({ ...m, level: MeasureLevel.ALERT }, now)).toBe(false);
  });
  it('a 一時解除 lifts it until its time runs out', () => {
    expect(blocksIssuance({ ...m, releasedUntil: new Date(now.getTime() + 60_000) }, now)).toBe(false);
    expect(blocksIssuance({ ...m, releasedUntil: new Date(now.getTime() - 1) }, now)).toBe(true);
  });
});

describe('four-eyes (domain spec §8.3)', () => {
  it('the user who made the change cannot confirm it', () => {
    const pending = { state: MeasureState.PROVISIONAL, pending: { by: 'supervisor1' } };
    expect(checkConfirmation(pending, 'supervisor1')).toMatchObject({ ok: false, code: 'FOUR_EYES' });
    expect(checkConfirmation(pending, 'approver2')).toEqual({ ok: true });
    expect(checkConfirmation({ state: MeasureState.ACTIVE }, 'approver2')).toMatchObject({ code: 'NOTHING_PENDING' });
  });
});

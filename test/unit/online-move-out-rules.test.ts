import { describe, expect, it } from 'vitest';
import { DEFAULT_MOVE_RULES } from '../../src/domain/move-deadlines';
import {
  BLOCKING_FINDINGS,
  evaluateOnlineMoveOut,
  OnlineMoveOutRule,
  type OnlineMoveOutFacts,
} from '../../src/procedures/online-move-out/rules';

const facts = (over: Partial<OnlineMoveOutFacts> = {}): OnlineMoveOutFacts => ({
  applicationDate: '2025-04-01',
  receivedDate: '2025-04-01',
  plannedMoveOutDate: '2025-04-01',
  destinationAbroad: false,
  destinationMunicipalityCode: '141500',
  ownMunicipalityCode: '139998',
  signer: { birthDate: '1980-01-01', addresseeNumber: '0000019', householdNumber: 'H1' },
  movers: [{ matched: true, addresseeNumber: '0000019', householdNumber: 'H1', pendingMoveOut: false, blocked: false }],
  ...over,
});
const evaluate = (f: OnlineMoveOutFacts, r = DEFAULT_MOVE_RULES) => evaluateOnlineMoveOut(f, r);
const rules = (o: ReturnType<typeof evaluateOnlineMoveOut>) => ({
  rejections: o.rejections.map((r) => r.rule),
  findings: o.findings.map((r) => r.rule),
});

// domain.md §4.4, §10.2
describe('online 転出 eligibility', () => {
  it('accepts a mover signing for themself', () =>
    expect(rules(evaluate(facts()))).toEqual({ rejections: [], findings: [] }));

  it('signer age: 14 on the application date is refused, 15 accepted', () => {
    expect(
      rules(evaluate(facts({ signer: { birthDate: '2010-06-15', addresseeNumber: '0000019', householdNumber: 'H1' } })))
        .rejections,
    ).toEqual([OnlineMoveOutRule.SIGNER_UNDER_15]);
    expect(
      rules(evaluate(facts({ signer: { birthDate: '2010-01-15', addresseeNumber: '0000019', householdNumber: 'H1' } })))
        .rejections,
    ).toEqual([]);
  });

  it('signer age counts from the day before the birthday: born 2010-04-02 is 15 on 2025-04-01', () => {
    const signer = (birthDate: string) => ({ birthDate, addresseeNumber: '0000019', householdNumber: 'H1' });
    expect(rules(evaluate(facts({ signer: signer('2010-04-02') }))).rejections).toEqual([]);
    expect(rules(evaluate(facts({ signer: signer('2010-04-03') }))).rejections).toEqual([
      OnlineMoveOutRule.SIGNER_UNDER_15,
    ]);
  });

  it('window: move date 2025-04-01 accepts receptions 2025-03-02 … 2025-04-11 and refuses 03-01 and 04-12', () => {
    for (const d of ['2025-03-02', '2025-04-11'])
      expect(rules(evaluate(facts({ applicationDate: d, receivedDate: d }))).rejections).toEqual([]);
    for (const d of ['2025-03-01', '2025-04-12'])
      expect(rules(evaluate(facts({ applicationDate: d, receivedDate: d }))).rejections).toEqual([
        OnlineMoveOutRule.OUTSIDE_WINDOW,
      ]);
  });

  it('the window is judged on the reception date, not on the date inside the signed content', () => {
    // signed on the last day of the window, received the day after: refused
    expect(rules(evaluate(facts({ applicationDate: '2025-04-11', receivedDate: '2025-04-12' }))).rejections).toEqual([
      OnlineMoveOutRule.OUTSIDE_WINDOW,
    ]);
    // signed the day before the window opened, received on its first day: accepted
    expect(rules(evaluate(facts({ applicationDate: '2025-03-01', receivedDate: '2025-03-02' }))).rejections).toEqual(
      [],
    );
  });

  it('a household member may sign for the movers; anyone else (a proxy) may not', () => {
    const member = { birthDate: '1980-01-01', addresseeNumber: '0000027', householdNumber: 'H1' };
    expect(rules(evaluate(facts({ signer: member }))).rejections).toEqual([]);
    expect(
      rules(evaluate(facts({ signer: { birthDate: '1980-01-01', addresseeNumber: '0000035', householdNumber: 'H2' } })))
        .rejections,
    ).toEqual([OnlineMoveOutRule.SIGNER_NOT_IN_HOUSEHOLD]);
    expect(rules(evaluate(facts({ signer: { birthDate: '1980-01-01' } }))).rejections).toEqual([
      OnlineMoveOutRule.SIGNER_NOT_IN_HOUSEHOLD,
    ]);
  });

  it('every mover must be of the signer’s 世帯: another 世帯 at the same address is refused (issue 13 item 9)', () => {
    const member = { birthDate: '1980-01-01', addresseeNumber: '0000019', householdNumber: 'H1' };
    const movers = [
      { matched: true, addresseeNumber: '0000019', householdNumber: 'H1', pendingMoveOut: false, blocked: false },
      { matched: true, addresseeNumber: '0000043', householdNumber: 'H2', pendingMoveOut: false, blocked: false },
    ];
    expect(rules(evaluate(facts({ signer: member, movers }))).rejections).toEqual([
      OnlineMoveOutRule.MOVER_NOT_IN_HOUSEHOLD,
    ]);
  });

  it('a move abroad is refused online', () =>
    expect(rules(evaluate(facts({ destinationAbroad: true }))).rejections).toEqual([OnlineMoveOutRule.ABROAD]));

  it('mismatch, pending move-out and support measures go to the clerk as findings, per mover', () => {
    const o = evaluate(
      facts({
        movers: [
          { matched: true, addresseeNumber: '0000019', householdNumber: 'H1', pendingMoveOut: false, blocked: false },
          { matched: false, householdNumber: 'H1', pendingMoveOut: true, blocked: true },
        ],
      }),
    );
    expect(o.rejections).toEqual([]);
    expect(o.findings.map((f) => [f.rule, f.mover])).toEqual([
      [OnlineMoveOutRule.MOVER_NOT_MATCHED, 1],
      [OnlineMoveOutRule.PENDING_MOVE_OUT, 1],
      [OnlineMoveOutRule.SUPPORT_MEASURE, 1],
    ]);
    expect(JSON.stringify(o)).not.toMatch(/\d{7}/);
  });
});

describe('online 転出: destination, dates and the household head', () => {
  it('refuses a missing or own destination code and an application dated after its reception', () => {
    const base = { destinationMunicipalityCode: '141500', ownMunicipalityCode: '139998' };
    expect(rules(evaluate(facts(base))).rejections).toEqual([]);
    expect(rules(evaluate(facts({ ...base, destinationMunicipalityCode: undefined }))).rejections).toEqual([
      OnlineMoveOutRule.DESTINATION_CODE_REQUIRED,
    ]);
    expect(rules(evaluate(facts({ ...base, destinationMunicipalityCode: '139998' }))).rejections).toEqual([
      OnlineMoveOutRule.DESTINATION_IS_HERE,
    ]);
    expect(rules(evaluate(facts({ ...base, receivedDate: '2025-03-31' }))).rejections).toEqual([
      OnlineMoveOutRule.APPLICATION_DATE_IN_FUTURE,
    ]);
    expect(rules(evaluate(facts({ ...base, receivedDate: '2025-04-01' }))).rejections).toEqual([]);
  });

  it('the 世帯主 leaving members behind is a finding for 審査 (世帯主変更 at the commit), neither blocking nor a rejection', () => {
    const out = rules(evaluate(facts({ destinationMunicipalityCode: '141500', headLeavesMembersBehind: true })));
    expect(out).toEqual({ rejections: [], findings: [OnlineMoveOutRule.HEAD_CHANGE_EX_OFFICIO] });
    expect(BLOCKING_FINDINGS.has(OnlineMoveOutRule.HEAD_CHANGE_EX_OFFICIO)).toBe(false);
    expect(BLOCKING_FINDINGS.has(OnlineMoveOutRule.HEAD_CHANGE_REQUIRED)).toBe(true); // cases flagged before
  });

  it('a mover under 支援措置 / 抑止 is a blocking finding: the case goes to a clerk, never straight to 決裁 (§8.6)', () => {
    expect(BLOCKING_FINDINGS.has(OnlineMoveOutRule.SUPPORT_MEASURE)).toBe(true);
  });
});

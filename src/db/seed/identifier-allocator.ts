/**
 * Issues the identifiers of the demo town: serial 宛名番号 / 世帯番号 (localNumber) and seeded random, unique
 * 住民票コード, 個人番号 and 在留カード等番号 (check digits via src/domain/check-digits).
 */
import { localNumber, withMod11CheckDigit } from '../../domain/check-digits';
import type { Prng } from './prng';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export class IdentifierAllocator {
  private addresseeSerial: number;
  private householdSerial: number;
  private readonly used = new Set<string>();

  constructor(
    private readonly rng: Prng,
    first: { addresseeSerial?: number; householdSerial?: number } = {},
  ) {
    this.addresseeSerial = (first.addresseeSerial ?? 1) - 1;
    this.householdSerial = (first.householdSerial ?? 1) - 1;
  }

  nextAddresseeNumber(): string {
    return localNumber(++this.addresseeSerial);
  }

  nextHouseholdNumber(): string {
    return localNumber(++this.householdSerial);
  }

  /** 住民票コード: 10 random digits (no leading zero) + provisional mod-11 check digit. */
  residentRecordCode(): string {
    return this.unique('R', () => withMod11CheckDigit(String(this.rng.int(1, 9)) + this.rng.digits(9)));
  }

  /** 個人番号: 11 random digits (no leading zero) + check digit. */
  individualNumber(): string {
    return this.unique('N', () => withMod11CheckDigit(String(this.rng.int(1, 9)) + this.rng.digits(10)));
  }

  /** 在留カード等番号: 2 letters + 8 digits + 2 letters. */
  residenceCardNumber(): string {
    return this.unique('C', () => this.letters(2) + this.rng.digits(8) + this.letters(2));
  }

  private letters(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += LETTERS.charAt(this.rng.int(0, LETTERS.length - 1));
    return s;
  }

  private unique(kind: string, draw: () => string): string {
    for (;;) {
      const value = draw();
      if (!this.used.has(kind + value)) {
        this.used.add(kind + value);
        return value;
      }
    }
  }
}

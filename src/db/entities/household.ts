import { EntitySchema } from '@mikro-orm/core';

/** 世帯 (domain.md §3.2). Items are stored per person; this row registers the 世帯番号 and its current head. */
export class Household {
  householdNumber!: string;
  headAddresseeNumber?: string;
  active = true;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const HouseholdSchema = new EntitySchema<Household>({
  class: Household,
  tableName: 'household',
  properties: {
    householdNumber: { type: 'string', length: 16, primary: true },
    headAddresseeNumber: { type: 'string', length: 16, nullable: true },
    active: { type: 'boolean' },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});

/** Named serial counters (宛名番号, 世帯番号, 発行番号 per day …), advanced inside the caller's transaction. */
export class Counter {
  name!: string;
  value!: number;
}

export const CounterSchema = new EntitySchema<Counter>({
  class: Counter,
  tableName: 'counter',
  properties: { name: { type: 'string', length: 64, primary: true }, value: { type: 'integer' } },
});

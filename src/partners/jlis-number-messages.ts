/**
 * The 個人番号 generation contract with J-LIS (domain.md §4.7 step 3.2; I-9) and the 送付先情報 (§3.6; I-10), each
 * TypeScript type next to its ajv schema under the same name. The real message layouts are J-LIS-defined and not
 * public (domain.md §9); this is our JSON contract carrying the real items. `additionalProperties: false` everywhere.
 *
 *  - IndividualNumberRequest (out): the 住民票コード of a person who has none, with a generation request. No 4情報.
 *  - IndividualNumberAnswer (in, asynchronous, to `/jlis-inbound/v1/individual-numbers`): the 住民票コード and the
 *    generated 個人番号, naming the request by its idempotency key. Recorded only if the 住民票コード matches the
 *    request's (`002_39806ff4500f9589.txt L4672–4675`).
 *  - DeliveryAddressInfo (out): 送付先情報 so that J-LIS mails the 個人番号通知書; it carries the 個人番号 and the
 *    4情報 and goes unedited (`004_528b050b7c0b5747.txt L4447–4448`).
 */
import type { SchemaObject } from 'ajv';
import { CustomFormat } from '../domain/ajv';
import {
  ADDRESS_MAX,
  NAME_MAX,
  birthDateSchema,
  idempotencyKeySchema as idempotencyKey,
  isoDateSchema as isoDate,
  municipalityCodeSchema as municipalityCode,
  residentRecordCodeSchema as residentRecordCode,
  textSchema as text,
} from './partner-contract';

export interface IndividualNumberRequestMessage {
  municipalityCode: string;
  /** Also the request's ID: J-LIS names it in its answer. */
  idempotencyKey: string;
  residentRecordCode: string;
}

export const IndividualNumberRequestMessageSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['municipalityCode', 'idempotencyKey', 'residentRecordCode'],
  properties: { municipalityCode, idempotencyKey, residentRecordCode } satisfies Record<
    keyof IndividualNumberRequestMessage,
    SchemaObject
  >,
};

export interface IndividualNumberAnswerMessage {
  /** J-LIS's ID of this answer: a repeated delivery of one answer carries the same ID. */
  answerId: string;
  municipalityCode: string;
  /** The idempotency key of the request answered. */
  requestKey: string;
  residentRecordCode: string;
  individualNumber: string;
  generatedAt: string;
}

export const IndividualNumberAnswerMessageSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['answerId', 'municipalityCode', 'requestKey', 'residentRecordCode', 'individualNumber', 'generatedAt'],
  properties: {
    answerId: idempotencyKey,
    municipalityCode,
    requestKey: idempotencyKey,
    residentRecordCode,
    individualNumber: { type: 'string', format: CustomFormat.INDIVIDUAL_NUMBER },
    generatedAt: { type: 'string', format: 'date-time' },
  } satisfies Record<keyof IndividualNumberAnswerMessage, SchemaObject>,
};

const sex: SchemaObject = { type: 'string', enum: ['1', '2'] };
const postcode: SchemaObject = { type: 'string', pattern: '^[0-9]{3}-?[0-9]{4}$' };
const place: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'address'],
  properties: { name: text(NAME_MAX), postcode, address: text(ADDRESS_MAX), telephone: text(20) },
};

export interface DeliveryAddressPlace {
  name: string;
  postcode?: string;
  address: string;
  telephone?: string;
}

/**
 * 送付先情報 (domain.md §3.6): the blocks 送付先, 市町村, 交付場所, the batch, and the person (住民票コード, name in kanji
 * and kana, postcode, address, birth date, sex, 個人番号, and for a foreign resident the 在留期間の満了の日). The
 * fixed-length layout with 外字 counts and 代替文字 is the CS's concern (it encrypts and forwards the record).
 */
export interface DeliveryAddressInfoMessage {
  municipalityCode: string;
  idempotencyKey: string;
  /** 送付先 block: where the 個人番号通知書 goes (the person's address). */
  recipient: DeliveryAddressPlace;
  municipality: { code: string; name: string };
  issuePlace: DeliveryAddressPlace;
  batch: { persons: number; processingDate: string };
  person: {
    residentRecordCode: string;
    name: string;
    nameKana: string;
    postcode?: string;
    address: string;
    birthDate: string;
    sex: string;
    individualNumber: string;
    residenceExpiryDate?: string;
  };
}

export const DeliveryAddressInfoMessageSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['municipalityCode', 'idempotencyKey', 'recipient', 'municipality', 'issuePlace', 'batch', 'person'],
  properties: {
    municipalityCode,
    idempotencyKey,
    recipient: place,
    municipality: {
      type: 'object',
      additionalProperties: false,
      required: ['code', 'name'],
      properties: { code: municipalityCode, name: text(NAME_MAX) },
    },
    issuePlace: place,
    batch: {
      type: 'object',
      additionalProperties: false,
      required: ['persons', 'processingDate'],
      properties: { persons: { type: 'integer', minimum: 1, maximum: 10000 }, processingDate: isoDate },
    },
    person: {
      type: 'object',
      additionalProperties: false,
      required: ['residentRecordCode', 'name', 'nameKana', 'address', 'birthDate', 'sex', 'individualNumber'],
      properties: {
        residentRecordCode,
        name: text(NAME_MAX),
        nameKana: text(NAME_MAX),
        postcode,
        address: text(ADDRESS_MAX),
        birthDate: birthDateSchema,
        sex,
        individualNumber: { type: 'string', format: CustomFormat.INDIVIDUAL_NUMBER },
        residenceExpiryDate: isoDate,
      },
    },
  } satisfies Record<keyof DeliveryAddressInfoMessage, SchemaObject>,
};

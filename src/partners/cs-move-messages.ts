/**
 * Messages between municipalities through the CS for the move pair (domain.md §3.5, §4.2–4.6), next to their ajv
 * schemas. Our own JSON contract (the J-LIS layout is not public, §9.6):
 *  - 転出証明書情報 (I-6): origin → destination; carries the 個人番号 (it is 特定個人情報).
 *  - 送信依頼 (I-7): destination → origin; asks for (re)sending; NO 特定個人情報 (`000_6eda969c340266a8.txt` L441–442).
 * The 転入通知 (I-8) is in cs-messages.ts. `additionalProperties: false` everywhere.
 */
import type { SchemaObject } from 'ajv';
import { CustomFormat } from '../domain/ajv';
import {
  ADDRESS_MAX,
  NAME_MAX,
  birthDateSchema,
  isoDateSchema as isoDate,
  municipalityCodeSchema as municipalityCode,
  residentRecordCodeSchema as residentRecordCode,
  textSchema as text,
  townMessageSchema,
} from './partner-contract';

const sex: SchemaObject = { type: 'string', enum: ['1', '2'] };

/** One person's 転出証明書情報 (design model of domain.md §3.5). */
export interface MoveOutCertificateInfoBody {
  residentRecordCode: string;
  individualNumber: string;
  name: string;
  nameKana: string;
  formerSurname?: string;
  birthDate: string;
  sex: '1' | '2';
  relationshipToHead: string;
  householdHeadName: string;
  originAddress: string;
  plannedDestinationAddress: string;
  plannedMoveOutDate: string;
  registeredDomicile?: string;
  familyRegisterHead?: string;
  domicileMunicipalityCode?: string; // 本籍地の市町村コード: the destination sends the 附票記載事項通知 there
  moverGroupId: string; // the movers of one 転出届 share it (the origin's case ID)
  plannedVisitDate?: string; // 来庁予定日 (online 転出, issue 4)
  /** The person is under 支援措置 / 抑止 at the origin: the destination holds them under 仮支援措置 (our contract). */
  supportMeasure?: boolean;
}

export const MoveOutCertificateInfoBodySchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: [
    'residentRecordCode',
    'individualNumber',
    'name',
    'nameKana',
    'birthDate',
    'sex',
    'relationshipToHead',
    'householdHeadName',
    'originAddress',
    'plannedDestinationAddress',
    'plannedMoveOutDate',
    'moverGroupId',
  ],
  properties: {
    residentRecordCode,
    individualNumber: { type: 'string', format: CustomFormat.INDIVIDUAL_NUMBER },
    name: text(NAME_MAX),
    nameKana: text(NAME_MAX),
    formerSurname: text(NAME_MAX),
    birthDate: birthDateSchema,
    sex,
    relationshipToHead: text(40),
    householdHeadName: text(NAME_MAX),
    originAddress: text(ADDRESS_MAX),
    plannedDestinationAddress: text(ADDRESS_MAX),
    plannedMoveOutDate: isoDate,
    registeredDomicile: text(ADDRESS_MAX),
    familyRegisterHead: text(NAME_MAX),
    domicileMunicipalityCode: municipalityCode,
    moverGroupId: text(64),
    plannedVisitDate: isoDate,
    supportMeasure: { type: 'boolean' },
  } satisfies Record<keyof MoveOutCertificateInfoBody, SchemaObject>,
};

export interface MoveOutCertificateInfo {
  fromMunicipalityCode: string; // origin
  toMunicipalityCode: string; // destination
  idempotencyKey: string;
  certificate: MoveOutCertificateInfoBody;
}

export const MoveOutCertificateInfoSchema = townMessageSchema<MoveOutCertificateInfo>(
  'certificate',
  MoveOutCertificateInfoBodySchema,
);

/** 送信依頼: identifies the person without any 特定個人情報. */
export interface CertificateInfoRequestBody {
  residentRecordCode: string;
  name: string;
  birthDate: string;
}

export interface CertificateInfoRequest {
  fromMunicipalityCode: string; // destination (asks)
  toMunicipalityCode: string; // origin (sends)
  idempotencyKey: string;
  request: CertificateInfoRequestBody;
}

export const CertificateInfoRequestSchema = townMessageSchema<CertificateInfoRequest>('request', {
  type: 'object',
  additionalProperties: false,
  required: ['residentRecordCode', 'name', 'birthDate'],
  properties: { residentRecordCode, name: text(NAME_MAX), birthDate: birthDateSchema } satisfies Record<
    keyof CertificateInfoRequestBody,
    SchemaObject
  >,
});

/**
 * 転出証明書情報の取消 (design; domain.md §4.4 step 5: "make the destination aware" — the real message is not
 * public, §9.2): the origin cancelled the 転出 (異動の取消し), so the destination must discard the held
 * 転出証明書情報 of this person. Identifies the person and the move without any 特定個人情報.
 */
export interface MoveOutCertificateWithdrawalBody {
  residentRecordCode: string;
  moverGroupId: string; // the origin's case ID, as in the 転出証明書情報
  plannedMoveOutDate: string;
}

export interface MoveOutCertificateWithdrawal {
  fromMunicipalityCode: string; // origin
  toMunicipalityCode: string; // destination
  idempotencyKey: string;
  withdrawal: MoveOutCertificateWithdrawalBody;
}

export const MoveOutCertificateWithdrawalSchema = townMessageSchema<MoveOutCertificateWithdrawal>('withdrawal', {
  type: 'object',
  additionalProperties: false,
  required: ['residentRecordCode', 'moverGroupId', 'plannedMoveOutDate'],
  properties: { residentRecordCode, moverGroupId: text(64), plannedMoveOutDate: isoDate } satisfies Record<
    keyof MoveOutCertificateWithdrawalBody,
    SchemaObject
  >,
});

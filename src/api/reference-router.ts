import { Router } from 'express';
import type { MikroORM } from '@mikro-orm/core';
import { compileSchema } from '../domain/ajv';
import { can } from '../domain/roles';
import {
  addressesByPostalCode,
  municipalitiesByName,
  referenceDataDate,
} from '../../templates/reference/reference-data';
import { staffOf } from './auth';
import { authorize } from './authorize';
import { ApiError } from './errors';

/** The boundary schemas of the lookups (OpenAPI: ReferencePostalCodeParams, ReferenceMunicipalityQuery). */
export const ReferencePostalCodeParamsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code'],
  properties: { code: { type: 'string', pattern: '^[0-9]{3}-?[0-9]{4}$' } },
};
export const ReferenceMunicipalityQuerySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
};
const validCode = compileSchema<{ code: string }>(ReferencePostalCodeParamsSchema);
const validName = compileSchema<{ name: string }>(ReferenceMunicipalityQuerySchema);

/** Who uses the lookups: the staff who enter or examine applications (the forms). Public data: nothing audited. */
const mayLookUp = can.readCases;

/**
 * /api/reference: 郵便番号 → 住所 (KEN_ALL) and 市区町村名 → 団体コード (総務省 list), from the data shipped in
 * templates/reference (README "Reference data"). The intake forms call them as the clerk types.
 */
export function referenceRouter(orm: MikroORM): Router {
  const r = Router();
  r.get('/postal-codes/:code', async (req, res) => {
    await authorize(orm, staffOf(res), mayLookUp, 'GET /api/reference/postal-codes/:code');
    const v = validCode({ code: String(req.params.code) });
    if (!v.ok) throw new ApiError(400, 'VALIDATION_FAILED', '郵便番号は7桁の数字で指定してください', v.errors);
    const addresses = addressesByPostalCode(v.value.code);
    if (!addresses.length) throw new ApiError(404, 'POSTAL_CODE_NOT_FOUND', 'この郵便番号は見つかりません');
    res.json({ addresses, dataDate: referenceDataDate() });
  });
  r.get('/municipalities', async (req, res) => {
    await authorize(orm, staffOf(res), mayLookUp, 'GET /api/reference/municipalities');
    const v = validName(req.query);
    if (!v.ok) throw new ApiError(400, 'VALIDATION_FAILED', '市区町村名を指定してください', v.errors);
    res.json({ municipalities: municipalitiesByName(v.value.name), dataDate: referenceDataDate() });
  });
  return r;
}

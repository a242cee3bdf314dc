import type { ResidentRecordCopyInput, ResidentRecordCopyPerson } from '../../templates/resident-record-copy';

export const NO_OPTIONS = { includeHouseholdHead: false, includeDomicile: false, includeResidentRecordCode: false, includeIndividualNumber: false };
export const ALL_OPTIONS = { includeHouseholdHead: true, includeDomicile: true, includeResidentRecordCode: true, includeIndividualNumber: true };

export const samplePerson: ResidentRecordCopyPerson = {
  name: '桜田　一郎', nameKana: 'サクラダ　イチロウ', birthDate: '1975-06-12', sex: '男', relationshipToHead: '世帯主',
  becameResidentDate: '2010-04-01', becameResidentReason: '転入', addressEstablishedDate: '2018-09-15', notificationDate: '2018-09-20',
  previousAddress: '東京都さくら市桜町二丁目5番8号', registeredDomicile: '北海道札幌市中央区北一条西二丁目1番地',
  familyRegisterHead: '桜田　一郎', residentRecordCode: '98765432109', individualNumber: '123456789018',
};

/** A display-ready 住民票の写し input for tests and benchmarks. */
export const certificateInput = (over: Partial<ResidentRecordCopyInput> = {}): ResidentRecordCopyInput => ({
  municipalityName: 'さくら市',
  mayorTitle: '東京都さくら市長',
  mayorName: '桜井　誠',
  issueDate: '2026-11-23',
  issueNumber: '20261123 さくら市 本庁1 プリンタ001 000123 1/1',
  householdHeadName: '桜田　一郎',
  address: '東京都さくら市桜町一丁目2番3号',
  addressSupplement: 'さくらハイツ101号室',
  options: NO_OPTIONS,
  persons: [samplePerson],
  ...over,
});

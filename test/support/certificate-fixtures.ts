import type { MoveOutCertificateInput, MoveOutCertificatePerson } from '../../templates/move-out-certificate';
import type { ResidentRecordCopyInput, ResidentRecordCopyPerson } from '../../templates/resident-record-copy';

export const NO_OPTIONS = {
  includeHouseholdHead: false,
  includeDomicile: false,
  includeResidentRecordCode: false,
  includeIndividualNumber: false,
};
export const ALL_OPTIONS = {
  includeHouseholdHead: true,
  includeDomicile: true,
  includeResidentRecordCode: true,
  includeIndividualNumber: true,
};

export const samplePerson: ResidentRecordCopyPerson = {
  name: '桜田　一郎',
  nameKana: 'サクラダ　イチロウ',
  birthDate: '1975-06-12',
  sex: '男',
  relationshipToHead: '世帯主',
  becameResidentDate: '2010-04-01',
  becameResidentReason: '転入',
  addressEstablishedDate: '2018-09-15',
  notificationDate: '2018-09-20',
  previousAddress: '東京都さくら市桜町二丁目5番8号',
  registeredDomicile: '北海道札幌市中央区北一条西二丁目1番地',
  familyRegisterHead: '桜田　一郎',
  residentRecordCode: '98765432109',
  individualNumber: '123456789018',
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

/** The sample head moving out, with 個別事項情報 (介護保険 and 後期高齢者医療 empty: printed as 「―」). */
export const moveOutHead: MoveOutCertificatePerson = {
  name: samplePerson.name,
  nameKana: samplePerson.nameKana,
  birthDate: samplePerson.birthDate,
  sex: samplePerson.sex,
  relationshipToHead: '世帯主',
  registeredDomicile: samplePerson.registeredDomicile,
  familyRegisterHead: samplePerson.familyRegisterHead,
  residentRecordCode: samplePerson.residentRecordCode ?? '',
  individualNumber: samplePerson.individualNumber ?? '',
  becameResidentDate: samplePerson.becameResidentDate,
  addressEstablishedDate: samplePerson.addressEstablishedDate,
  programs: {
    electoralRoll: '登録あり',
    nationalHealthInsurance: '被保険者　記号 さく12 番号 345678',
    nationalPension: '第1号被保険者',
    childAllowance: '受給者（支給対象児童 1人）',
  },
};

export const moveOutSpouse: MoveOutCertificatePerson = {
  ...moveOutHead,
  name: '桜田　花子',
  nameKana: 'サクラダ　ハナコ',
  birthDate: '1978-02-03',
  sex: '女',
  relationshipToHead: '妻',
  residentRecordCode: '12345678903',
  individualNumber: '234567890127',
  programs: {
    electoralRoll: '登録あり',
    nationalHealthInsurance: '被保険者　記号 さく12 番号 345678',
    nationalPension: '第1号被保険者',
  },
};

/** A display-ready 転出証明書 input (household of the 住民票の写し sample, moving to 横浜市) for tests and benchmarks. */
export const moveOutCertificateInput = (over: Partial<MoveOutCertificateInput> = {}): MoveOutCertificateInput => {
  const {
    municipalityName,
    mayorTitle,
    mayorName,
    issueDate,
    address,
    addressSupplement,
    householdHeadName = '',
  } = certificateInput();
  return {
    municipalityName,
    mayorTitle,
    mayorName,
    issueDate,
    address,
    addressSupplement,
    householdHeadName,
    issueNumber: '20261123 さくら市 本庁1 プリンタ001 000124 1/1',
    kind: 'certificate',
    plannedDestinationAddress: '神奈川県横浜市中区山下町10番地',
    plannedMoveOutDate: '2026-12-05',
    notificationDate: issueDate,
    persons: [moveOutHead, moveOutSpouse],
    ...over,
  };
};

/** Failure types shared by activities and workflows (kept free of Temporal imports). */
export const FailureType = {
  PARTNER_REJECTED: 'PartnerRejected', // the CS or J-LIS refused a message: permanent, goes to the error queue
  ALREADY_REGISTERED: 'AlreadyRegistered', // the person is currently registered here (domain.md §4.1)
  CASE_DATA_MISSING: 'CaseDataMissing',
  /** The origin withdrew a 転出証明書情報 the 特例転入 uses: it cannot be committed (domain spec §4.2 Failures). */
  CERTIFICATE_WITHDRAWN: 'CertificateWithdrawn',
  /** A row an activity needs does not exist: retrying cannot help (issue 14 bug 10). */
  RECORD_NOT_FOUND: 'RecordNotFound',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

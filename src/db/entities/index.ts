import { AddressAnnexNoticeRecordSchema } from './address-annex';
import { AuditChainHeadSchema, AuditLogSchema } from './audit';
import { CardEventRecordSchema, MyNumberCardSchema } from './card';
import {
  CaseActionLogSchema,
  CaseApplicationSchema,
  CaseApplicationVersionSchema,
  CaseNoteSchema,
  CaseRecordSchema,
} from './case';
import { CertificateIssuanceSchema } from './certificate';
import { CounterSchema, HouseholdSchema } from './household';
import { HeldMoveOutCertificateSchema, InboundMessageSchema } from './held-certificate';
import {
  DeliveryAddressInfoSchema,
  IndividualNumberAnswerSchema,
  IndividualNumberRequestSchema,
  ResidentCodePoolEntrySchema,
} from './individual-number';
import { OutboxMessageSchema } from './outbox';
import { PartnerCallSchema } from './partner-call';
import { WorkflowStartRequestSchema } from './workflow-start';
import { PortalNonceSchema, PortalRejectionSchema, PortalSignedApplicationSchema } from './portal';
import { ResidentSchema } from './resident';
import { ResidentHistorySchema } from './resident-history';
import {
  AuthChallengeSchema,
  CredentialRecoverySchema,
  LoginAttemptSchema,
  PasswordResetSchema,
  StaffCredentialSchema,
  StaffSessionSchema,
  StaffUserSchema,
  TerminalSchema,
} from './staff';
import { SupportMeasureEventSchema, SupportMeasureSchema } from './support-measure';

export * from './address-annex';
export * from './audit';
export * from './card';
export * from './case';
export * from './certificate';
export * from './held-certificate';
export * from './household';
export * from './individual-number';
export * from './outbox';
export * from './partner-call';
export * from './portal';
export * from './resident';
export * from './resident-history';
export * from './staff';
export * from './support-measure';
export * from './workflow-start';

export const ALL_ENTITIES = [
  ResidentSchema,
  ResidentHistorySchema,
  HouseholdSchema,
  CounterSchema,
  CaseRecordSchema,
  CaseApplicationSchema,
  CaseApplicationVersionSchema,
  CaseActionLogSchema,
  CaseNoteSchema,
  AuditLogSchema,
  AuditChainHeadSchema,
  OutboxMessageSchema,
  CertificateIssuanceSchema,
  StaffUserSchema,
  StaffSessionSchema,
  TerminalSchema,
  LoginAttemptSchema,
  StaffCredentialSchema,
  AuthChallengeSchema,
  CredentialRecoverySchema,
  PasswordResetSchema,
  HeldMoveOutCertificateSchema,
  InboundMessageSchema,
  PartnerCallSchema,
  PortalNonceSchema,
  PortalRejectionSchema,
  PortalSignedApplicationSchema,
  AddressAnnexNoticeRecordSchema,
  SupportMeasureSchema,
  SupportMeasureEventSchema,
  ResidentCodePoolEntrySchema,
  IndividualNumberRequestSchema,
  IndividualNumberAnswerSchema,
  DeliveryAddressInfoSchema,
  MyNumberCardSchema,
  CardEventRecordSchema,
  WorkflowStartRequestSchema,
];

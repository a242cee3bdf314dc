/** Staff roles (domain.md §2.1, §8.2). */
export const Role = {
  CLERK: 'clerk',
  APPROVER: 'approver',
  SUPERVISOR: 'supervisor',
  AUDITOR: 'auditor',
  SECURITY_ADMIN: 'securityAdministrator',
  /** 支援措置責任者 (domain.md §2.1; the 支援対象者 permission of standard spec 10.4, §8.2): sets, extends, ends, releases. */
  SUPPORT_MEASURE_OFFICER: 'supportMeasureOfficer',
  SYSTEM: 'system',
  /** The マイナポータル intake adapter (a system principal: it may only push applications and cancellations in). */
  PORTAL: 'portal',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

/** Roles allowed to see the 個人番号 unmasked and to search by it (number-use roles, domain.md §8.5). */
export const NUMBER_USE_ROLES: ReadonlySet<Role> = new Set([Role.CLERK, Role.APPROVER]);

export const can = {
  enterCase: (roles: readonly Role[]) => roles.includes(Role.CLERK),
  approve: (roles: readonly Role[]) => roles.includes(Role.APPROVER),
  /** Take part in case work (claim, release, review decisions): the validators decide the rest. */
  work: (roles: readonly Role[]) => roles.some((r) => r === Role.CLERK || r === Role.APPROVER || r === Role.SUPERVISOR),
  readCases: (roles: readonly Role[]) =>
    roles.some((r) => r === Role.CLERK || r === Role.APPROVER || r === Role.SUPERVISOR || r === Role.AUDITOR),
  issueCertificate: (roles: readonly Role[]) => roles.includes(Role.CLERK),
  superviseCases: (roles: readonly Role[]) => roles.includes(Role.SUPERVISOR),
  readAudit: (roles: readonly Role[]) => roles.includes(Role.AUDITOR) || roles.includes(Role.SECURITY_ADMIN),
  /** The 支援措置 / 抑止 register: enter, confirm, extend, end and 一時解除 (domain.md §8.6); sees a protected address. */
  manageSupportMeasures: (roles: readonly Role[]) => roles.includes(Role.SUPPORT_MEASURE_OFFICER),
  /** Staff authentication: register and revoke terminals, enrol authenticators, recover a lost one (four-eyes). */
  administerStaffAuth: (roles: readonly Role[]) => roles.includes(Role.SECURITY_ADMIN),
  seeIndividualNumber: (roles: readonly Role[]) => roles.some((r) => NUMBER_USE_ROLES.has(r)),
};

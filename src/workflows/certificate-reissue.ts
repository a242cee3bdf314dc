import { registry } from './shared/proxies';

/** 再交付 of an issued certificate (a new 発行番号, marked 「再交付」, the state at first issue), run as an activity. */
export async function certificateReissueWorkflow(input: {
  certificateId: string;
  operatorId: string;
  terminalId?: string;
}) {
  return registry.reissueCertificate(input);
}

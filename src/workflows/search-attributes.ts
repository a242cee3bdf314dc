import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes of every case workflow (non-personal facts only). The dev server is started with these
 * registered (scripts/lib/temporal-dev-server.ts); a production cluster registers them with
 * `temporal operator search-attribute create` (see README).
 */
export const CaseStatusKey = defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD);
export const ProcedureKey = defineSearchAttributeKey('Procedure', SearchAttributeType.KEYWORD);
export const NeedsAttentionKey = defineSearchAttributeKey('NeedsAttention', SearchAttributeType.BOOL);
export const AssignedToKey = defineSearchAttributeKey('AssignedTo', SearchAttributeType.KEYWORD);

export const CASE_SEARCH_ATTRIBUTES = [CaseStatusKey, ProcedureKey, NeedsAttentionKey, AssignedToKey] as const;

/** Name → type, for `temporal server start-dev --search-attribute Name=Type`. */
export const SEARCH_ATTRIBUTE_TYPES: Record<string, 'Keyword' | 'Bool'> = {
  CaseStatus: 'Keyword',
  Procedure: 'Keyword',
  NeedsAttention: 'Bool',
  AssignedTo: 'Keyword',
};

/**
 * What the server refuses before any resolver runs (oversized bodies, costly
 * or untrusted documents, introspection), and input values kept out of error messages.
 */
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import type { Plugin } from 'graphql-yoga';
import { DEFAULT_MAX_BODY_BYTES, useBodyLimit } from './body-limit.js';
import { useEchoFreeErrors } from './echo-free-errors.js';
import { DEFAULT_DOCUMENT_LIMITS, type DocumentLimits, useDocumentLimits } from './limits.js';
import { type TrustedDocuments, useTrustedDocuments } from './trusted-documents.js';

export interface Protection {
  limits: DocumentLimits;
  maxBodyBytes: number;
  /** Operations one HTTP request may carry as a JSON array; 0 turns batching off. */
  batchLimit: number;
  graphiql: boolean;
  introspection: boolean;
  /** When set, only these documents run. */
  trustedDocuments: TrustedDocuments | undefined;
}

/** Outside production: everything a developer needs to explore the API is on. */
export const DEVELOPMENT_PROTECTION: Protection = {
  limits: DEFAULT_DOCUMENT_LIMITS,
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  batchLimit: 0,
  graphiql: true,
  introspection: true,
  trustedDocuments: undefined,
};

export function protectionPlugins(protection: Protection): Plugin[] {
  return [
    useBodyLimit(protection.maxBodyBytes),
    useEchoFreeErrors(),
    ...(protection.trustedDocuments ? [useTrustedDocuments(protection.trustedDocuments)] : []),
    useDocumentLimits(protection.limits, { hideSuggestions: !protection.introspection }),
    // biome-ignore lint/complexity/noBannedTypes: yoga's own `Plugin` has the context `{}`, which this must match.
    ...(protection.introspection ? [] : [useDisableIntrospection<{}>()]),
  ];
}

/** Resolvers for ess (电子签企业版) actions. */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  AUTO_SIGN_SCENE_KEYS,
  CancelUserAutoSignEnableUrl,
  type CancelUserAutoSignEnableUrlRequest,
  ID_CARD_TYPES,
} from '../tencent/ess.js';
import { orUndefined, requiredOrConfigured } from './rules.js';
import { actionResolver } from './run.js';

// Mainland ID cards and residence permits for Hong Kong, Macao and Taiwan residents share one format.
const EIGHTEEN_CHARACTER_ID = /^\d{17}[\dX]$/;
const HONGKONG_MACAO_PERMIT = /^[HM]\d{10}$/;

const UserThreeFactorInput = z
  .object({
    name: z.string().trim().min(1, 'must not be empty'),
    idCardType: z.enum(ID_CARD_TYPES),
    idCardNumber: z.string().trim().toUpperCase(),
  })
  .superRefine((user, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', path: ['idCardNumber'], message });
    if (user.idCardType === 'HONGKONG_AND_MACAO') {
      if (!HONGKONG_MACAO_PERMIT.test(user.idCardNumber)) {
        fail('a HONGKONG_AND_MACAO number is 11 characters: H or M, then 10 digits');
      }
    } else if (!EIGHTEEN_CHARACTER_ID.test(user.idCardNumber)) {
      fail(`an ${user.idCardType} number is 18 characters: 17 digits, then a digit or X`);
    }
  })
  .transform((user) => ({ Name: user.name, IdCardType: user.idCardType, IdCardNumber: user.idCardNumber }));

export const CancelUserAutoSignEnableUrlInput = z
  .object({
    operator: z.object({ userId: requiredOrConfigured() }),
    sceneKey: z.enum(AUTO_SIGN_SCENE_KEYS),
    userInfo: UserThreeFactorInput,
    agent: z
      .object({ proxyOrganizationId: z.string().trim().min(1, 'must not be empty') })
      .nullish()
      .transform(orUndefined),
  })
  .transform((input) => ({
    Operator: { UserId: input.operator.userId },
    SceneKey: input.sceneKey,
    UserInfo: input.userInfo,
    ...(input.agent ? { Agent: { ProxyOrganizationId: input.agent.proxyOrganizationId } } : {}),
  }));

/**
 * Names a person's enablement link without the person in clear: SHA-256 (hex) of the scene, document type, number
 * and name as validated (trimmed, upper-cased), one per line. A client computes the same from what it sent.
 */
export function autoSignLinkId({ SceneKey, UserInfo }: CancelUserAutoSignEnableUrlRequest): string {
  const text = `${SceneKey}\n${UserInfo.IdCardType}\n${UserInfo.IdCardNumber}\n${UserInfo.Name}`;
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

type Input = z.input<typeof CancelUserAutoSignEnableUrlInput>;
/** The GraphQL input: the validated shape, except that the operator may be left to configuration. */
export type CancelUserAutoSignEnableUrlArgs = Omit<Input, 'operator'> & { operator?: Input['operator'] | null };

export const cancelUserAutoSignEnableUrl = actionResolver({
  action: CancelUserAutoSignEnableUrl,
  input: CancelUserAutoSignEnableUrlInput,
  withDefaults: (input: CancelUserAutoSignEnableUrlArgs, defaults) => ({
    ...input,
    operator: input.operator ?? { userId: defaults.essOperatorUserId },
  }),
  callerBindings: [
    {
      path: 'operator.userId',
      identity: 'essOperatorUserId',
      describes: 'ESS operator (Operator.UserId)',
      required: true,
    },
    {
      path: 'agent.proxyOrganizationId',
      identity: 'essProxyOrganizationId',
      describes: 'ESS sub-enterprise (Agent.ProxyOrganizationId)',
      required: false,
    },
  ],
  success: (request, requestId) => ({
    __typename: 'CancelUserAutoSignEnableUrlSuccess' as const,
    requestId,
    sceneKey: request.SceneKey,
    linkId: autoSignLinkId(request),
  }),
  audit: (request) => ({
    actingAs: {
      operatorUserId: request.Operator.UserId,
      ...(request.Agent ? { proxyOrganizationId: request.Agent.ProxyOrganizationId } : {}),
    },
    target: { sceneKey: request.SceneKey, linkId: autoSignLinkId(request) },
  }),
});

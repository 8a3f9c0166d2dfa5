/** ess (电子签企业版), API version 2020-11-11: the actions this project uses. */
import { z } from 'zod';
import { defineAction } from './action.js';

export const AUTO_SIGN_SCENE_KEYS = ['E_PRESCRIPTION_AUTO_SIGN', 'OTHER'] as const;
export type AutoSignSceneKey = (typeof AUTO_SIGN_SCENE_KEYS)[number];

export const ID_CARD_TYPES = ['ID_CARD', 'HONGKONG_AND_MACAO', 'HONGKONG_MACAO_AND_TAIWAN'] as const;
export type IdCardType = (typeof ID_CARD_TYPES)[number];

/** `UserInfo`: the employee performing the call. */
export const EssOperator = z.looseObject({ UserId: z.string().min(1) });

/** `UserThreeFactor`: a person's name and identity document. */
export const UserThreeFactor = z.looseObject({
  Name: z.string().min(1),
  IdCardType: z.enum(ID_CARD_TYPES),
  IdCardNumber: z.string().min(1),
});

/** `Agent`: a group enterprise acting for one of its sub-enterprises. */
export const EssAgent = z.looseObject({ ProxyOrganizationId: z.string().min(1) });

export const CancelUserAutoSignEnableUrl = defineAction({
  service: 'ess',
  name: 'CancelUserAutoSignEnableUrl',
  request: z.looseObject({
    Operator: EssOperator,
    SceneKey: z.enum(AUTO_SIGN_SCENE_KEYS),
    UserInfo: UserThreeFactor,
    Agent: EssAgent.optional(),
  }),
  reply: z.object({}),
  errorCodes: [
    'FailedOperation.UserAutoSignEnableAlready',
    'FailedOperation.UserAutoSignEnableUrlNotExist',
    'MissingParameter',
    'OperationDenied',
  ],
});
export type CancelUserAutoSignEnableUrlRequest = z.input<typeof CancelUserAutoSignEnableUrl.request>;

/** Creates the link that {@link CancelUserAutoSignEnableUrl} revokes (used by the emulator and tests). */
export const CreateUserAutoSignEnableUrl = defineAction({
  service: 'ess',
  name: 'CreateUserAutoSignEnableUrl',
  request: z.looseObject({
    Operator: EssOperator,
    SceneKey: z.enum(AUTO_SIGN_SCENE_KEYS),
    AutoSignConfig: z.looseObject({ UserInfo: UserThreeFactor }),
    UrlType: z.string().optional(),
    ExpiredTime: z.number().int().optional(),
    Agent: EssAgent.optional(),
  }),
  reply: z.object({ Url: z.string(), UrlType: z.string().optional() }),
  errorCodes: ['FailedOperation.UserAutoSignEnableAlready', 'MissingParameter', 'OperationDenied'],
});

/** Wires the two forms to the mutations and shows each outcome. */
import { execute } from './client.js';
import type { VariablesOf } from './graphql.js';
import { CancelAutoSignLink, CancelQrCode } from './operations.js';
import { describeAutoSignResult, describeQrCodeResult, type Outcome } from './outcomes.js';

type AutoSignInput = VariablesOf<typeof CancelAutoSignLink>['input'];

// The enums' values, checked against the schema: a value it lacks does not compile.
const SCENE_KEYS = ['E_PRESCRIPTION_AUTO_SIGN', 'OTHER'] as const satisfies readonly AutoSignInput['sceneKey'][];
type IdCardType = AutoSignInput['userInfo']['idCardType'];
const ID_CARD_TYPES = ['ID_CARD', 'HONGKONG_AND_MACAO', 'HONGKONG_MACAO_AND_TAIWAN'] as const satisfies readonly IdCardType[];

function element<T extends Element>(selector: string, type: new () => T, root: ParentNode = document): T {
  const found = root.querySelector(selector);
  if (!(found instanceof type)) throw new Error(`missing ${selector}`);
  return found;
}

function fillOptions(select: HTMLSelectElement, values: readonly string[]): void {
  select.replaceChildren(...values.map((value) => new Option(value, value)));
}

function oneOf<T extends string>(values: readonly T[], value: string): T {
  const match = values.find((candidate) => candidate === value);
  if (match === undefined) throw new Error(`unexpected value ${value}`);
  return match;
}

function show(output: HTMLOutputElement, outcome: Outcome): void {
  output.dataset.ok = String(outcome.ok);
  output.dataset.typename = outcome.typename;
  const headline = document.createElement('strong');
  headline.textContent = outcome.headline;
  const type = document.createElement('code');
  type.textContent = ` ${outcome.typename}`;
  const details = document.createElement('ul');
  details.replaceChildren(
    ...outcome.details.map((text) => {
      const item = document.createElement('li');
      item.textContent = text;
      return item;
    }),
  );
  output.replaceChildren(headline, type, details);
}

/** Submits `form` through `run`; a request that fails outright is shown as such. */
function handle(form: HTMLFormElement, run: (fields: FormData) => Promise<Outcome>): void {
  const output = element('output', HTMLOutputElement, form);
  const button = element('button', HTMLButtonElement, form);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    button.disabled = true;
    run(new FormData(form))
      .catch((error: unknown): Outcome => ({
        ok: false,
        typename: 'request failed',
        headline: 'The request failed.',
        details: [error instanceof Error ? error.message : String(error)],
      }))
      .then((outcome) => show(output, outcome))
      .finally(() => {
        button.disabled = false;
      });
  });
}

const text = (fields: FormData, name: string) => String(fields.get(name) ?? '');
/** An empty optional field is left out, so the service's configured default applies. */
const optional = (fields: FormData, name: string) => text(fields, name) || undefined;

const autoSignForm = element('#auto-sign', HTMLFormElement);
fillOptions(element('[name=sceneKey]', HTMLSelectElement, autoSignForm), SCENE_KEYS);
fillOptions(element('[name=idCardType]', HTMLSelectElement, autoSignForm), ID_CARD_TYPES);
handle(autoSignForm, async (fields) => {
  const userId = optional(fields, 'operatorUserId');
  const data = await execute(CancelAutoSignLink, {
    input: {
      operator: userId === undefined ? undefined : { userId },
      sceneKey: oneOf(SCENE_KEYS, text(fields, 'sceneKey')),
      userInfo: {
        name: text(fields, 'name'),
        idCardType: oneOf(ID_CARD_TYPES, text(fields, 'idCardType')),
        idCardNumber: text(fields, 'idCardNumber'),
      },
    },
  });
  return describeAutoSignResult(data.cancelUserAutoSignEnableUrl);
});

handle(element('#qr-code', HTMLFormElement), async (fields) => {
  const data = await execute(CancelQrCode, {
    input: {
      agent: {
        appId: optional(fields, 'appId'),
        proxyOrganizationOpenId: text(fields, 'proxyOrganizationOpenId'),
        proxyOperator: { openId: text(fields, 'proxyOperatorOpenId') },
      },
      qrCodeId: text(fields, 'qrCodeId'),
    },
  });
  return describeQrCodeResult(data.channelCancelMultiFlowSignQRCode);
});

/** Wires the two forms to the mutations and shows each outcome, through the client `?client=` names. */
import { GraphQLRequestError, type PageClient, ServiceUnreachableError } from './clients/client.js';
import type { VariablesOf } from './graphql.js';
import { CancelAutoSignLink, CancelQrCode, Mode, ResetSandbox } from './operations.js';
import { describeAutoSignResult, describeQrCodeResult, type Issue, type Outcome } from './outcomes.js';

/** One module per client library, loaded on demand so the page carries only the one it uses. */
const CLIENTS: Record<string, () => Promise<{ client: PageClient }>> = {
  fetch: () => import('./clients/fetch.js'),
  apollo: () => import('./clients/apollo.js'),
  urql: () => import('./clients/urql.js'),
};
const chosen = new URLSearchParams(location.search).get('client') ?? 'fetch';
const { client } = await (CLIENTS[chosen] ?? CLIENTS.fetch!)();

/** Said wherever the service gives no GraphQL answer: what happened, and what gets it going. */
const UNREACHABLE =
  'The e-sign service is not answering. Start it with `npm start` in another terminal (it listens on port 4000, ' +
  'where this page forwards /graphql), then try again.';

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

for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a')) {
  if (new URL(link.href).searchParams.get('client') === chosen) link.setAttribute('aria-current', 'page');
}

function list(items: string[]): HTMLUListElement {
  const details = document.createElement('ul');
  details.replaceChildren(
    ...items.map((text) => {
      const item = document.createElement('li');
      item.textContent = text;
      return item;
    }),
  );
  return details;
}

function show(output: HTMLOutputElement, outcome: Outcome, unplaced: Issue[]): void {
  output.dataset.ok = String(outcome.ok);
  output.dataset.typename = outcome.typename;
  const headline = document.createElement('strong');
  headline.textContent = outcome.headline;
  const type = document.createElement('code');
  type.textContent = ` ${outcome.typename}`;
  const issues = unplaced.map((issue) => `${issue.path.slice(1).join('.')}: ${issue.message}`);
  output.replaceChildren(headline, type, list([...issues, ...outcome.details]));
}

/** Input field name → where the service reports an issue with it (the path after `input`). */
type FieldPaths = Record<string, string>;

function clearIssues(form: HTMLFormElement): void {
  for (const note of form.querySelectorAll('.issue')) note.remove();
  for (const field of form.querySelectorAll('[aria-invalid]')) {
    field.removeAttribute('aria-invalid');
    field.removeAttribute('aria-describedby');
  }
}

/** Shows each issue at its field; answers those no field of the form matches. */
function placeIssues(form: HTMLFormElement, fields: FieldPaths, issues: Issue[]): Issue[] {
  const unplaced: Issue[] = [];
  for (const issue of issues) {
    const path = issue.path.slice(1).join('.');
    const name = Object.keys(fields).find((field) => fields[field] === path);
    const input = name === undefined ? null : form.querySelector<HTMLInputElement | HTMLSelectElement>(`[name=${name}]`);
    if (!input) {
      unplaced.push(issue);
      continue;
    }
    const note = document.createElement('span');
    note.className = 'issue';
    note.id = `${form.id}-${name}-issue`;
    note.textContent = issue.message;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', note.id);
    input.closest('label')?.after(note);
  }
  return unplaced;
}

/** What a request that produced no result says: the service is down, or it refused the request itself. */
function requestFailed(error: unknown): Outcome {
  if (error instanceof ServiceUnreachableError) {
    return { ok: false, typename: 'service unreachable', headline: UNREACHABLE, details: [] };
  }
  const detail = error instanceof GraphQLRequestError ? error.message : String(error);
  return { ok: false, typename: 'request failed', headline: 'The service refused the request.', details: [detail] };
}

/** Submits `form` through `run`; issues are shown at their fields, everything else in the form's output. */
function handle(form: HTMLFormElement, fields: FieldPaths, run: (values: FormData) => Promise<Outcome>): void {
  const output = element('output', HTMLOutputElement, form);
  const button = element('button', HTMLButtonElement, form);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    button.disabled = true;
    run(new FormData(form))
      .catch(requestFailed)
      .then((outcome) => {
        clearIssues(form);
        show(output, outcome, placeIssues(form, fields, outcome.issues ?? []));
      })
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
const autoSignFields: FieldPaths = {
  operatorUserId: 'operator.userId',
  sceneKey: 'sceneKey',
  name: 'userInfo.name',
  idCardType: 'userInfo.idCardType',
  idCardNumber: 'userInfo.idCardNumber',
};
handle(autoSignForm, autoSignFields, async (fields) => {
  const userId = optional(fields, 'operatorUserId');
  const data = await client.mutate(CancelAutoSignLink, {
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

const qrCodeFields: FieldPaths = {
  appId: 'agent.appId',
  proxyOrganizationOpenId: 'agent.proxyOrganizationOpenId',
  proxyOperatorOpenId: 'agent.proxyOperator.openId',
  qrCodeId: 'qrCodeId',
};
handle(element('#qr-code', HTMLFormElement), qrCodeFields, async (fields) => {
  const data = await client.mutate(CancelQrCode, {
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

const status = element('#service-status', HTMLDivElement);
const statusText = element('span', HTMLSpanElement, status);
const resetButton = element('#reset-sandbox', HTMLButtonElement);

function showStatus(state: 'sandbox' | 'unreachable', message: string): void {
  status.dataset.state = state;
  statusText.textContent = message;
  resetButton.hidden = state !== 'sandbox';
  status.hidden = false;
}

resetButton.addEventListener('click', () => {
  resetButton.disabled = true;
  client
    .mutate(ResetSandbox, {})
    .then(({ resetSandbox }) => {
      for (const form of document.forms) {
        clearIssues(form);
        form.querySelector('output')?.replaceChildren();
      }
      showStatus('sandbox', `Sandbox: ${resetSandbox.message}`);
    })
    .catch(() => showStatus('unreachable', UNREACHABLE))
    .finally(() => {
      resetButton.disabled = false;
    });
});

// Every form is wired: tests (and readers of the DOM) can tell the page is ready.
document.documentElement.dataset.client = client.name;

client
  .query(Mode, {})
  .then(({ mode }) => {
    if (mode === 'SANDBOX') {
      showStatus(
        'sandbox',
        `Sandbox (${client.name}): this page talks to the built-in e-sign emulator and its demo records; nothing reaches Tencent.`,
      );
    }
  })
  .catch((error: unknown) => {
    if (error instanceof ServiceUnreachableError) showStatus('unreachable', UNREACHABLE);
  });

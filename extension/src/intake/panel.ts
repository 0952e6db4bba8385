import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { el } from '../dom';
import { errorWords, requestAPI } from '../request';
import {
  answerWords,
  IRequestFields,
  IRequestList,
  IRequestView,
  requestBody,
  standing
} from './form';
import { trans } from '../translate';

const ROUTE = 'intake/requests';

/** The form's fields: name, label, and what helps the requester fill it in (in their language). */
function fieldRows(): [keyof IRequestFields, string, string][] {
  return [
    ['team', trans.__('Team'), trans.__('your team id in the program')],
    ['idea', trans.__('Product idea'), trans.__('what the product does, in a line')],
    ['consumer', trans.__('Consumer'), trans.__('who uses it')],
    ['statement', trans.__('Value hypothesis'), trans.__('what will be true if it works')],
    ['metric', trans.__('Metric'), trans.__('e.g. consumers')],
    ['threshold', trans.__('Threshold'), trans.__('a number, e.g. 3')],
    ['window', trans.__('Window'), trans.__('e.g. 30d')],
    ['tables', trans.__('Warehouse tables'), trans.__('comma-separated, e.g. claims, policies')],
    ['products', trans.__('Products it reads'), trans.__('comma-separated product ids')],
    ['analysts', trans.__('The two analysts who would pair'), trans.__('comma-separated names')],
    ['free_from', trans.__('Free from'), ''],
    ['not_fit', trans.__('Why an offered product does not fit'), trans.__('only when answered by reuse')]
  ];
}
const REQUIRED = new Set<keyof IRequestFields>(['team', 'idea', 'consumer', 'analysts']);

/**
 * "Request a pairing": a form that files a request on the hub's intake queue for the user's
 * own team, then says (in a polite live region) whether an existing product answers it or
 * where it stands in the queue, and lists the team's requests.
 */
export class RequestPanel extends Widget {
  constructor() {
    super({ node: el('div', 'jp-pairlab-intake') });
    this.id = 'pairlab-request-pairing';
    this.title.label = trans.__('Request a pairing');
    this.title.closable = true;
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', trans.__('Request a pairing'));
    this.node.append(
      el('h2', 'jp-pairlab-intake-title', trans.__('Request a pairing')),
      el(
        'p',
        'jp-pairlab-intake-help',
        trans.__(
          'The central team pairs with your team on a first product. Existing products are offered first: if one covers what you need, you can reuse it today.'
        )
      ),
      this._form,
      this._said,
      this._error,
      el('h3', 'jp-pairlab-intake-mine-title', trans.__("Your team's requests")),
      this._mine
    );
    this._said.setAttribute('role', 'status');
    this._said.setAttribute('aria-live', 'polite');
    this._error.setAttribute('role', 'alert');
    this._build();
  }

  /** Load the team (to prefill) and its requests; say an error through errorWords. */
  async refresh(): Promise<void> {
    try {
      const list = await requestAPI<IRequestList>(ROUTE);
      if (list.team && !this._input('team').value) {
        this._input('team').value = list.team;
      }
      this._list(list.requests);
      this._error.textContent = '';
    } catch (error) {
      this._error.textContent = errorWords(error);
    }
  }

  /** Put the keyboard in the first field when the form is shown. */
  protected onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    this._input('team').focus();
  }

  private _build(): void {
    this._form.noValidate = true; // the service's one parser says what is wrong, in words
    for (const [name, label, hint] of fieldRows()) {
      const id = `pairlab-intake-${name}`;
      const row = el('div', 'jp-pairlab-intake-field');
      const caption = el('label', '', REQUIRED.has(name) ? trans.__('%1 (required)', label) : label);
      caption.htmlFor = id;
      const input = el('input', 'jp-mod-styled');
      input.id = id;
      input.name = name;
      input.type = name === 'free_from' ? 'date' : 'text';
      input.required = REQUIRED.has(name);
      if (hint) {
        input.placeholder = hint;
      }
      row.append(caption, input);
      this._form.append(row);
    }
    this._submit.type = 'submit';
    this._form.append(this._submit);
    this._form.addEventListener('submit', event => {
      event.preventDefault();
      void this._send();
    });
  }

  private _input(name: keyof IRequestFields): HTMLInputElement {
    return this._form.elements.namedItem(name) as HTMLInputElement;
  }

  private async _send(): Promise<void> {
    const fields = {} as IRequestFields;
    for (const [name] of fieldRows()) {
      fields[name] = this._input(name).value;
    }
    this._submit.disabled = true;
    this._error.textContent = '';
    this._said.textContent = trans.__('Sending the request…');
    try {
      const view = await requestAPI<IRequestView>(ROUTE, {
        method: 'POST',
        body: JSON.stringify(requestBody(fields))
      });
      this._said.textContent = answerWords(view);
      await this.refresh();
    } catch (error) {
      this._said.textContent = '';
      this._error.textContent = errorWords(error); // nothing typed is lost: the form keeps it
    } finally {
      this._submit.disabled = false;
    }
  }

  private _list(requests: IRequestView[]): void {
    this._mine.replaceChildren(
      ...(requests.length
        ? requests.map(view => el('li', 'jp-pairlab-intake-request', standing(view)))
        : [el('li', 'jp-pairlab-intake-none', trans.__('None yet.'))])
    );
  }

  private _form = el('form', 'jp-pairlab-intake-form');
  private _submit = el('button', 'jp-mod-styled jp-mod-accept', trans.__('Send the request'));
  private _said = el('p', 'jp-pairlab-intake-said');
  private _error = el('p', 'jp-pairlab-intake-error');
  private _mine = el('ul', 'jp-pairlab-intake-mine');
}

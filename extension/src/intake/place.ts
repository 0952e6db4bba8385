import { PageConfig } from '@jupyterlab/coreutils';

import { requestAPI } from '../request';

/** The logged-in user's place in the program, as the cohort service answers (GET program/me). */
export interface IPlace {
  user: string;
  name: string;
  role: string;
  team: string | null;
  facilitator: string | null;
  trained_in: string | null;
}

/** Return the values to prefill, by the start form's field class: only what is known. */
export function prefillValues(place: IPlace): Record<string, string> {
  const values: Record<string, string> = { name: place.name, role: place.role };
  for (const key of ['team', 'facilitator', 'trained_in'] as const) {
    if (place[key]) {
      values[key] = place[key] as string;
    }
  }
  return values;
}

/**
 * On JupyterHub, fill the guide's start form from the program and the logged-in user: her
 * name and role in the first row, the team, and (when she can lead) herself as facilitator
 * and the session she learned in. A field already typed in is never changed; without a hub,
 * or when the program does not list her, the form stays as it was.
 */
export async function prefillPlace(form: HTMLElement): Promise<void> {
  if (!PageConfig.getOption('hubUser')) {
    return;
  }
  let place: IPlace;
  try {
    place = await requestAPI<IPlace>('program/me');
  } catch {
    return; // a convenience: the pair types the fields as without a hub
  }
  const values = prefillValues(place);
  const name = form.querySelector<HTMLInputElement>('.jp-pairlab-name');
  if (name && !name.value) {
    name.value = values.name;
    const role = form.querySelector<HTMLSelectElement>('.jp-pairlab-role');
    if (role && Array.from(role.options).some(o => o.value === values.role)) {
      role.value = values.role;
    }
  }
  for (const key of ['team', 'facilitator', 'trained_in']) {
    const input = form.querySelector<HTMLInputElement>(`.jp-pairlab-${key}`);
    if (input && !input.value && values[key]) {
      input.value = values[key];
    }
  }
}

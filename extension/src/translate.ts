import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';

import { PACKAGE } from './tokens';

let bundle: TranslationBundle = nullTranslator.load(PACKAGE);

/**
 * The guide's strings in the user's language, through `trans` (`__`, `_n`, `_p`).
 * One bundle of the `pairlab` domain for every module, set once the translator is known, so
 * sections need no translator handed down. Call it when the text is shown, never at import:
 * the language is known only when the plugin activates. (`trans` is the name the catalog's
 * string extractor, jupyterlab-translate, looks for.)
 */
export const trans = {
  __: (msgid: string, ...args: unknown[]): string => bundle.__(msgid, ...args),
  _n: (msgid: string, plural: string, n: number, ...args: unknown[]): string =>
    bundle._n(msgid, plural, n, ...args),
  _p: (context: string, msgid: string, ...args: unknown[]): string =>
    bundle._p(context, msgid, ...args)
};

/** Use `translator`'s language for every string of the guide. */
export function useTranslator(translator: ITranslator | null): void {
  bundle = (translator ?? nullTranslator).load(PACKAGE);
}

import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';

// With its file name: plain Node (the tests of pure modules) resolves ES modules only so.
import { PACKAGE } from './tokens.js';

type Bundle = Pick<TranslationBundle, '__' | '_n' | '_p'>;

/** Put args into %1, %2, ... as JupyterLab's gettext does. */
function fill(text: string, args: unknown[]): string {
  return text.replace(/%(\d+)/g, (match, n: string) =>
    Number(n) <= args.length ? String(args[Number(n) - 1]) : match
  );
}

/** The strings as written (English), until a translator is known: also what Node tests see. */
const asWritten: Bundle = {
  __: (msgid: string, ...args: unknown[]) => fill(msgid, args),
  _n: (msgid: string, plural: string, n: number, ...args: unknown[]) =>
    fill(n === 1 ? msgid : plural, [n, ...args]),
  _p: (_context: string, msgid: string, ...args: unknown[]) => fill(msgid, args)
};

let bundle: Bundle = asWritten;
let current: ITranslator | null = null;

/**
 * The guide's strings in the user's language, through `trans` (`__`, `_n`, `_p`).
 * One bundle of the `pairlab` domain for every module, set once the translator is known, so
 * sections need no translator handed down. Call it when the text is shown, never at import:
 * the language is known only when the plugin activates. (`trans` is the name the catalog's
 * string extractor, jupyterlab-translate, looks for.) No JupyterLab code is imported at run
 * time here, so the pure modules that use it still run under plain Node.
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
  current = translator;
  bundle = translator ? translator.load(PACKAGE) : asWritten;
}

/**
 * The lab's language (Settings > Language) as a BCP 47 tag, e.g. `nb-NO`, or null before a
 * translator is known: sent as Accept-Language, so the server's messages match the guide.
 */
export function languageCode(): string | null {
  return current?.languageCode ?? null;
}

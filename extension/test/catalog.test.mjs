// Every string the guide shows goes through `trans` and has a Norwegian Bokmål translation in
// the catalog JupyterLab loads (src/pairlab/locale/nb_NO/LC_MESSAGES/pairlab.json). The
// sources are read with TypeScript's own parser: a call split over lines, a plural or a
// context is found as the compiler sees it.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';

import ts from 'typescript';

const here = fileURLToPath(new URL('.', import.meta.url));
const SOURCE = join(here, '..', 'src');
const CATALOG = join(here, '..', '..', 'src', 'pairlab', 'locale', 'nb_NO', 'LC_MESSAGES');
const CONTEXT = '\u0004'; // JupyterLab's gettext keys a _p string as context + \u0004 + msgid
// Where a string literal reaches the pair: it must come from trans, not be written in place.
const SINK_PROPERTIES = new Set([
  'textContent', 'innerText', 'title', 'placeholder', 'ariaLabel', 'label', 'caption'
]);
// Calls that put their arguments on the page, and from which argument on (el(tag, class, text)).
const SINK_CALLS = new Map([
  ['showErrorMessage', 0], ['showDialog', 0], ['Notification', 0], ['setAttribute', 1],
  ['el', 2], ['item', 0], ['_text', 0], ['createTextNode', 0], ['append', 0], ['prepend', 0],
  ['replaceChildren', 0], ['say', 0], ['announce', 0]
]);
const WORDS = /[A-Za-z]{2,}\s+[A-Za-z]{2,}|^[A-Z][a-z]+$/; // English words, not a class name

function sources(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap(entry => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      return sources(path);
    }
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function parsed() {
  return sources(SOURCE).map(path =>
    ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true)
  );
}

function walk(node, visit) {
  visit(node);
  ts.forEachChild(node, child => walk(child, visit));
}

function where(file, node) {
  const { line } = file.getLineAndCharacterOfPosition(node.getStart());
  return `${file.fileName.slice(SOURCE.length + 1)}:${line + 1}`;
}

/** Every trans.__/_n/_p call: its msgid, plural, context, and any argument not a literal. */
function translatedCalls(files) {
  const calls = [];
  for (const file of files) {
    walk(file, node => {
      if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) {
        return;
      }
      const { expression, name } = node.expression;
      if (expression.getText() !== 'trans' || !['__', '_n', '_p'].includes(name.text)) {
        return;
      }
      const texts = name.text === '_n' || name.text === '_p' ? 2 : 1;
      const args = node.arguments.slice(0, texts);
      const literal = args.every(a => ts.isStringLiteral(a) || ts.isNoSubstitutionTemplateLiteral(a));
      const [first, second] = args.map(a => (literal ? a.text : a.getText()));
      calls.push({
        at: where(file, node),
        literal,
        msgid: name.text === '_p' ? second : first,
        plural: name.text === '_n' ? second : null,
        context: name.text === '_p' ? first : null
      });
    });
  }
  return calls;
}

/** String literals with English words written straight into the page, outside trans. */
function untranslatedLiterals(files) {
  const found = [];
  const isWords = node =>
    (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateExpression(node)) &&
    WORDS.test((ts.isTemplateExpression(node) ? node.head.text : node.text).trim());
  for (const file of files) {
    walk(file, node => {
      let value = null;
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
          ts.isPropertyAccessExpression(node.left) && SINK_PROPERTIES.has(node.left.name.text)) {
        value = node.right;
      } else if (ts.isPropertyAssignment(node) && SINK_PROPERTIES.has(node.name.getText())) {
        value = node.initializer;
      } else if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
        const full = node.expression.getText();
        // Notification.info/.warning/.emit(...) show a toast; console.* speaks to developers.
        const callee = full.startsWith('Notification.') ? 'Notification' : full.split('.').pop();
        if (SINK_CALLS.has(callee)) {
          for (const arg of [...(node.arguments ?? [])].slice(SINK_CALLS.get(callee))) {
            if (isWords(arg)) {
              found.push(`${where(file, arg)} ${arg.getText()}`);
            }
          }
        }
      }
      if (value && isWords(value)) {
        found.push(`${where(file, value)} ${value.getText()}`);
      }
    });
  }
  return found;
}

function catalog() {
  const compiled = JSON.parse(readFileSync(join(CATALOG, 'pairlab.json'), 'utf8'));
  delete compiled[''];
  return compiled;
}

test('the parser finds the guide\'s translated strings, and only literals', () => {
  const calls = translatedCalls(parsed());
  assert.ok(calls.length > 100, `only ${calls.length} trans calls found`);
  const computed = calls.filter(c => !c.literal).map(c => `${c.at} ${c.msgid}`);
  assert.deepEqual(computed, [], 'a msgid the extractor cannot read: write it as a literal');
});

test('every string handed to trans has a Norwegian Bokmål translation', () => {
  const nb = catalog();
  const missing = [];
  const wrongPlural = [];
  for (const call of translatedCalls(parsed())) {
    const key = call.context ? `${call.context}${CONTEXT}${call.msgid}` : call.msgid;
    const forms = nb[key];
    if (!forms || forms.every(form => !form.trim())) {
      missing.push(`${call.at} ${JSON.stringify(key)}`);
    } else if (call.plural && forms.length < 2) {
      wrongPlural.push(`${call.at} ${JSON.stringify(key)}`);
    }
  }
  assert.deepEqual(
    missing,
    [],
    'not translated: run extension/update-catalog.sh update, translate the .po, then compile'
  );
  assert.deepEqual(wrongPlural, [], 'a plural (trans._n) needs both forms in the catalog');
});

test('no English string is written into the page without trans', () => {
  assert.deepEqual(untranslatedLiterals(parsed()), []);
});

test('the literal check finds a string written in place', () => {
  const file = ts.createSourceFile(
    join(SOURCE, 'probe.ts'),
    "node.textContent = 'Check this step';\n" +
      "button.title = trans.__('Check this step');\n" +
      "void showErrorMessage('Lesson not found', error);\n" +
      "x.setAttribute('aria-label', `Run ${name}`);\n" +
      "node.className = 'jp-pairlab-step';\n" +
      "box.append(el('p', 'jp-pairlab-note', 'No session yet.'));\n" +
      "Notification.warning('Time to rotate', { autoClose: false });\n" +
      "console.error('pairlab: could not record the prompt', error);\n",
    ts.ScriptTarget.Latest,
    true
  );
  assert.deepEqual(untranslatedLiterals([file]), [
    "probe.ts:1 'Check this step'",
    "probe.ts:3 'Lesson not found'",
    'probe.ts:4 `Run ${name}`',
    "probe.ts:6 'No session yet.'",
    "probe.ts:7 'Time to rotate'"
  ]);
});

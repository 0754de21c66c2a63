// The import boundaries of the repository, as one lint rule (docs/architecture.md):
//
// - a package is imported by its name alone (`@tandem/rfb`), never by a deep
//   path (`@tandem/rfb/src/...`) nor by a relative path into its folder;
// - a package's source imports only the packages it is allowed to (the
//   customer's agent never the technician's client);
// - `protocol` stays isomorphic: no Node built-ins;
// - inside a package with layers, a folder imports only folders of lower
//   layers (the desktop drivers never the commands that use them);
// - browser code (option `browser`: folders such as `agent/page`, each with
//   the npm packages it may take types from) is served to a browser as ES
//   modules without a bundler: it imports only its own files by relative
//   path, no package of the repository and no Node built-in, and a package
//   named in its entry only with `import type` (a browser cannot resolve a
//   bare name; the runtime code comes by relative path, e.g. the agent serves
//   i18next as `vendor/i18next.js`). Node code of the package serves those
//   files and never imports them.
//
// Tests (`*.test.ts`, `test/`, `fuzz/`) may import any package by name, never a
// file of another package by relative path. A package marked `test: true` in
// the packages table (the test kit, packages/test-kit) is test code throughout:
// it may import any package by name, tests import it by name, and no
// package's source imports it.
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';

const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/**
 * Where a file is: its package, whether it is test code, its folder inside
 * `src`, and the browser folder (`agent/page`) it is in, if any.
 */
function locate(root, file, browserDirs, testPackages) {
  const path = relative(root, file).split(sep).join('/');
  const rel = path.split('/');
  if (rel[0] !== 'packages' || rel.length < 3) return undefined;
  const pkg = rel[1];
  const browser = browserDirs.find((dir) => path.startsWith(`packages/${dir}/`));
  const inSrc = rel[2] === 'src';
  const test = testPackages.has(pkg) || /\.test\.tsx?$/.test(file) || (!inSrc && browser === undefined);
  const folder = inSrc ? (rel.length > 4 ? rel[3] : '') : undefined;
  return { pkg, test, inSrc, folder, browser };
}

/** True when an import or export names types only (`import type`, or every specifier `type`). */
function typeOnly(node) {
  if (node.importKind === 'type' || node.exportKind === 'type') return true;
  const specifiers = node.specifiers ?? [];
  return specifiers.length > 0 && specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type');
}

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'Keeps the package and folder boundaries of docs/architecture.md' },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          packages: { type: 'object' },
          layers: { type: 'object' },
          isomorphic: { type: 'array', items: { type: 'string' } },
          browser: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
        },
        required: ['root', 'packages'],
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const { root, packages, layers = {}, isomorphic = [], browser = {} } = context.options[0];
    const browserDirs = Object.keys(browser);
    const testPackages = new Set(Object.entries(packages).filter(([, p]) => p.test === true).map(([dir]) => dir));
    const testKits = [...testPackages].map((dir) => packages[dir].name);
    const here = locate(root, context.filename, browserDirs, testPackages);
    if (here === undefined) return {};
    const byName = new Map(Object.entries(packages).map(([dir, p]) => [p.name, dir]));

    const layerOf = (pkg, folder) => {
      const table = layers[pkg];
      if (table === undefined) return undefined;
      // Files directly in src/ (the package's entry and its top) sit above every layer.
      if (folder === '') return table.length;
      const i = table.findIndex((row) => row.includes(folder));
      return i === -1 ? -1 : i;
    };

    /** The rules of browser code (not its tests): its own files, and types of the packages it names. */
    const checkBrowser = (node, spec) => {
      const dir = here.browser;
      if (spec.startsWith('.')) {
        const target = relative(root, resolve(dirname(context.filename), spec)).split(sep).join('/');
        if (target.startsWith(`packages/${dir}/`)) return;
        return context.report({ node, message: `Browser code in packages/${dir} imports only its own files, not ${spec}.` });
      }
      if (NODE_BUILTINS.has(spec)) return context.report({ node, message: `packages/${dir} runs in the browser: no Node built-in ${spec}.` });
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      if (!browser[dir].includes(name)) {
        return context.report({ node, message: `Browser code in packages/${dir} may not import ${spec} (it may take types from: ${browser[dir].join(', ') || 'none'}).` });
      }
      if (node.type === 'ImportExpression' || !typeOnly(node)) {
        return context.report({ node, message: `Browser code in packages/${dir} takes only types from ${name} (import type): the browser cannot load a bare name; import its code by relative path.` });
      }
    };

    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      if (here.browser !== undefined && !here.test) return checkBrowser(node, spec);
      if (spec.startsWith('@tandem/')) {
        const name = spec.split('/').slice(0, 2).join('/');
        if (name !== spec) return context.report({ node, message: `Import ${name}, not ${spec}: each package has one public entry.` });
        const target = byName.get(name);
        if (target === undefined) return context.report({ node, message: `No package ${name} in this repository.` });
        if (target === here.pkg) return context.report({ node, message: `Inside ${name}, import its own files by relative path.` });
        if (here.test) return;
        if (testPackages.has(target)) {
          return context.report({ node, message: `${name} is test code: only tests import it (a devDependency), never ${packages[here.pkg]?.name ?? here.pkg}'s source.` });
        }
        const allowed = packages[here.pkg]?.deps ?? [];
        if (!allowed.includes(target)) {
          return context.report({ node, message: `${packages[here.pkg]?.name ?? here.pkg} may not import ${name} (allowed: ${allowed.map((d) => packages[d].name).join(', ') || 'none'}).` });
        }
        return;
      }
      if (spec.startsWith('.')) {
        const there = locate(root, resolve(dirname(context.filename), spec), browserDirs, testPackages);
        if (there === undefined) return;
        if (there.browser !== undefined && !here.test) {
          return context.report({ node, message: `packages/${there.browser} is browser code: Node code serves those files and never imports them.` });
        }
        if (there.pkg !== here.pkg) {
          if (!there.inSrc && !testPackages.has(there.pkg) && testKits.length > 0) {
            return context.report({ node, message: `Relative import into packages/${there.pkg}: tests share helpers through ${testKits.join(', ')} only.` });
          }
          return context.report({ node, message: `Relative import into packages/${there.pkg}: import ${packages[there.pkg]?.name ?? there.pkg} instead.` });
        }
        if (here.test || !here.inSrc || !there.inSrc || here.folder === there.folder) return;
        const from = layerOf(here.pkg, here.folder);
        const to = layerOf(here.pkg, there.folder);
        if (from === undefined) return;
        if (from === -1 || to === -1) {
          return context.report({ node, message: `Folder src/${from === -1 ? here.folder : there.folder} of ${here.pkg} has no layer: add it to the layers in eslint.config.js and docs/architecture.md.` });
        }
        if (to >= from) {
          return context.report({ node, message: `src/${here.folder || '.'} may not import src/${there.folder} in ${here.pkg}: only lower layers (docs/architecture.md).` });
        }
        return;
      }
      if (isomorphic.includes(here.pkg) && !here.test && NODE_BUILTINS.has(spec)) {
        context.report({ node, message: `${packages[here.pkg]?.name} runs in the browser too: no Node built-in ${spec}.` });
      }
    };

    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

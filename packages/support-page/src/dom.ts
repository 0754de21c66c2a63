/**
 * A small element builder. Text goes in as text nodes only, never as HTML,
 * so nothing the relay's configuration holds (the help desk's name, its
 * phone number) can become markup.
 */

/** Attributes of {@link h}: `false` and `undefined` leave one out. */
export type Attributes = Readonly<Record<string, string | boolean | undefined>>;

/** A child of {@link h}: an element, a text, or nothing. */
export type Child = Node | string | false | undefined;

/** Creates `<tag>` in `doc` with `attributes` and `children`. */
export function h<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = doc.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) element.setAttribute(name, '');
    else if (typeof value === 'string') element.setAttribute(name, value);
  }
  for (const child of children) {
    if (typeof child === 'string') element.append(doc.createTextNode(child));
    else if (child !== false && child !== undefined) element.append(child);
  }
  return element;
}

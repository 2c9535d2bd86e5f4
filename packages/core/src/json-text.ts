/**
 * JSON text put together from pieces that are already JSON, so that a large answer made
 * mostly of stored JSON (the per-hour summaries of a series) is never parsed and
 * serialized again just to be sent.
 */

const EMPTY_OBJECT = /^\{\s*\}$/;

/**
 * The JSON text of one object holding the members of every object text given, in order.
 * The texts must be JSON objects whose keys do not repeat across them.
 *
 * @example
 * joinJsonObjects('{"a":1}', '{}', '{"b":[2]}') // '{"a":1,"b":[2]}'
 */
export function joinJsonObjects(...objects: string[]): string {
  const members: string[] = [];
  for (const text of objects) {
    if (text[0] !== '{' || text[text.length - 1] !== '}')
      throw new TypeError(`not a JSON object: ${text.slice(0, 40)}`);
    // Anchored: a non-empty object fails at its first member, however long the text.
    if (!EMPTY_OBJECT.test(text)) members.push(text.slice(1, -1));
  }
  return `{${members.join(',')}}`;
}

/**
 * The JSON text of an object whose members are given as JSON text.
 *
 * @example
 * jsonObjectOf({ hourly: '[]', model: JSON.stringify('x') }) // '{"hourly":[],"model":"x"}'
 */
export function jsonObjectOf(members: Record<string, string>): string {
  return `{${Object.entries(members)
    .map(([name, text]) => `${JSON.stringify(name)}:${text}`)
    .join(',')}}`;
}

/**
 * The first key a JSON text gives twice in one object, as a field path (`events.0.payload.reason`), or
 * undefined. JSON.parse keeps the last of them silently, so a body could say one thing to a reader of its text and
 * another to the server. Text that is not JSON is left for JSON.parse to refuse (undefined here).
 */
export const duplicateKeyIn = (text: string): string | undefined => {
  interface Frame {
    readonly keys: Set<string> | undefined;
    readonly path: string;
    /** The key being read or given (objects), the index of the next item (arrays). */
    member: string | number;
    expectingKey: boolean;
  }
  const stack: Frame[] = [];
  const pathOf = (frame: Frame) =>
    frame.path === '' ? String(frame.member) : `${frame.path}.${String(frame.member)}`;
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (end >= text.length) return undefined;
      const top = stack[stack.length - 1];
      if (top?.keys !== undefined && top.expectingKey) {
        let key: string;
        try {
          key = JSON.parse(text.slice(i, end + 1)) as string;
        } catch {
          return undefined;
        }
        top.member = key;
        if (top.keys.has(key)) return pathOf(top);
        top.keys.add(key);
        top.expectingKey = false;
      }
      i = end + 1;
      continue;
    }
    const top = stack[stack.length - 1];
    if (char === '{' || char === '[') {
      const path = top === undefined ? '' : pathOf(top);
      stack.push({ keys: char === '{' ? new Set() : undefined, path, member: 0, expectingKey: char === '{' });
    } else if (char === '}' || char === ']') stack.pop();
    else if (char === ',' && top !== undefined) {
      if (top.keys === undefined) top.member = Number(top.member) + 1;
      else top.expectingKey = true;
    }
    i += 1;
  }
  return undefined;
};

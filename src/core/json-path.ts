/** `/teams/0/procedures/1` (a JSON pointer, as Ajv reports) → `teams[0].procedures[1]`. */
export function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

export function joinPath(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}

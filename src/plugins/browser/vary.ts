/** Adds `value` to a response's `Vary` unless it is there already (or `*` says every header matters). */
export function addVary(headers: Headers, value: string): void {
  const vary = headers.get('vary');
  if (vary === null) {
    headers.set('vary', value);
    return;
  }
  const listed = vary.toLowerCase().split(/\s*,\s*/);
  if (!listed.includes(value.toLowerCase()) && !listed.includes('*')) headers.set('vary', `${vary}, ${value}`);
}

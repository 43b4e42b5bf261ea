/**
 * A record's own entry for a key the user wrote. `record[key]` would also find what every
 * object inherits: a zone named `constructor` would be "declared" (Object's constructor) and
 * reach the model as a zone nobody declared.
 */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

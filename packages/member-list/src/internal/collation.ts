let folds: Uint16Array | undefined;

/**
 * Maps every UTF-16 code unit to its lowercase form when `String#toLowerCase` turns it into
 * exactly one code unit, else to itself. Built once (65,536 entries, 128 KiB) on first use.
 *
 * @returns the shared table; callers must not write to it.
 */
export function foldTable(): Uint16Array {
  if (folds !== undefined) return folds;
  const table = new Uint16Array(65_536);
  for (let unit = 0; unit < 65_536; unit++) {
    const lower = String.fromCharCode(unit).toLowerCase();
    table[unit] = lower.length === 1 ? lower.charCodeAt(0) : unit;
  }
  folds = table;
  return table;
}

/**
 * Compares two display names case-insensitively: code unit by code unit after folding each
 * through {@link foldTable}; a name that is a prefix of the other sorts first. Allocation-free, so
 * the list stores no full sort key per member, only a short prefix (see `writeSortPrefix`).
 *
 * @returns negative when `a` sorts first, positive when `b` does, 0 when they fold equal.
 */
export function compareFolded(a: string, b: string): number {
  if (a === b) return 0;
  const table = folds ?? foldTable();
  const shorter = Math.min(a.length, b.length);
  for (let i = 0; i < shorter; i++) {
    const unitA = a.charCodeAt(i);
    const unitB = b.charCodeAt(i);
    if (unitA !== unitB) {
      const difference = table[unitA]! - table[unitB]!;
      if (difference !== 0) return difference;
    }
  }
  return a.length - b.length;
}

/** One `exports` subpath of a package. */
export interface EntryPoint {
  /** What a consumer imports: `@leadscore/core`, `@leadscore/core/errors`, ... */
  readonly specifier: string;
  /** Absolute path of the `@leadscore/source` target, the TypeScript the entry point is built from. */
  readonly source: string | undefined;
}
/** A package that is published (not marked private). */
export interface PublicPackage {
  readonly name: string;
  readonly version: string;
  readonly dir: string;
  readonly entryPoints: readonly EntryPoint[];
}
/** Every non-private package under `<root>/packages`, by folder name, with its entry points. */
export function publicPackages(root: string): PublicPackage[];

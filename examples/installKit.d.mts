/** Where `packKit` writes tarballs (git-ignored, inside the repository). */
export const KIT_DIR: string;
/** `npm pack` of the repository into examples/.kit; the tarball's path. Builds dist/ first if it is missing. */
export function packKit(): string;
/** Installs the tarball into `app` (which has run `npm ci`) without touching its package.json or lockfile. */
export function installKit(app: string, tarball: string): void;
